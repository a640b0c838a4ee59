package dev.autotls.internal.ops;

import dev.autotls.internal.Assembly;
import dev.autotls.internal.localca.Authority;
import dev.autotls.internal.localca.AuthorityStore;
import dev.autotls.internal.localca.UserTrust;
import dev.autotls.internal.ops.Doctor.Finding;
import dev.autotls.internal.store.StorageFailures;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The built-in local CA as {@code doctor} sees it, when some certificate comes from it: its root
 * (read, never made), how long its one intermediate lasts, and whether this user's browsers (the
 * NSS database) and Java (the trust store {@code trust} writes) trust the root yet. Offline.
 */
final class LocalCaCheck {
    private final Assembly site;
    private final Clock clock;

    LocalCaCheck(Assembly site, Clock clock) {
        this.site = site;
        this.clock = clock;
    }

    List<Finding> check() throws InterruptedException {
        if (!site.config().usesLocalCa()) {
            return List.of();
        }
        Optional<Authority> stored;
        try {
            stored = new AuthorityStore(site.store(), clock).load();
        } catch (IOException e) {
            return List.of(Finding.fail("local CA: its root cannot be read from " + site.store().describe() + " ("
                    + StorageFailures.reason(e) + "); fix the storage, then run doctor again."));
        }
        if (stored.isEmpty()) {
            return List.of(Finding.ok("local CA: no root yet; serve makes it at start, then run `java -jar autotls.jar trust` "
                    + "so this user's browsers and Java trust it."));
        }
        Authority authority = stored.get();
        Instant end = authority.intermediateEnd();
        String about = "local CA: root SHA-256 " + authority.fingerprint() + ", intermediate until "
                + end.truncatedTo(ChronoUnit.MINUTES) + " (in " + Duration.between(clock.instant(), end).toDays() + " days)";
        if (!clock.instant().isBefore(end)) {
            return List.of(Finding.fail(about + ": ended; delete local/ca from the storage so that serve makes a new root, "
                    + "then run trust again."));
        }
        List<String> missing = new ArrayList<>();
        try {
            if (!UserTrust.nss().holds(authority)) {
                missing.add("this user's NSS database (Chromium, Firefox)");
            }
            if (!UserTrust.javaTrustStore().holds(authority)) {
                missing.add("this user's Java trust store");
            }
        } catch (IOException e) {
            return List.of(Finding.warn(about + "; whether this user trusts it could not be told (" + e.getMessage() + ")."));
        }
        if (missing.isEmpty()) {
            return List.of(Finding.ok(about + "; this user's NSS database and Java trust store hold it."));
        }
        return List.of(Finding.warn(about + "; not in " + String.join(" nor in ", missing)
                + ", so they refuse its certificates; run `java -jar autotls.jar trust`."));
    }
}
