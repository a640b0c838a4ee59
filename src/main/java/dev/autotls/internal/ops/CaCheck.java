package dev.autotls.internal.ops;

import dev.autotls.Setting;
import dev.autotls.internal.acme.AcmeClient;
import dev.autotls.internal.acme.CaFailures;
import dev.autotls.internal.config.SettingNames;
import dev.autotls.internal.ops.Doctor.Finding;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.shredzone.acme4j.toolbox.JSON;

/**
 * The CA from this host: its directory answers, what it offers (challenge types where the
 * directory says, profiles, ARI), and this host's clock against the CA's {@code Date} header.
 * A clock far off makes the CA reject requests and makes renewal times wrong.
 */
final class CaCheck {
    static final Duration SKEW_WARNING = Duration.ofSeconds(30);
    static final Duration SKEW_FAILURE = Duration.ofMinutes(5);

    private final AcmeClient acme;
    private final SettingNames names;
    private final Clock clock;

    CaCheck(AcmeClient acme, SettingNames names) {
        this(acme, names, Clock.systemUTC());
    }

    CaCheck(AcmeClient acme, SettingNames names, Clock clock) {
        this.acme = acme;
        this.names = names;
        this.clock = clock;
    }

    List<Finding> check() throws InterruptedException {
        String where = acme.directory().toString();
        HttpResponse<String> answer;
        Instant sent = clock.instant();
        try {
            answer = acme.fetchDirectory();
        } catch (IOException e) {
            return List.of(Finding.fail(unreachable(e)));
        }
        Instant received = clock.instant();
        if (answer.statusCode() != 200) {
            return List.of(Finding.fail("CA directory " + where + " answered HTTP " + answer.statusCode()
                    + "; check that " + names.of(Setting.CA) + " names an ACME directory URL."));
        }
        List<Finding> findings = new ArrayList<>();
        try {
            findings.add(Finding.ok("CA directory " + where + " answers; " + offers(JSON.parse(answer.body())) + "."));
        } catch (RuntimeException notJson) {
            return List.of(Finding.fail("CA directory " + where + " answered, but not with an ACME directory (JSON); "
                    + "check that " + names.of(Setting.CA) + " names an ACME directory URL."));
        }
        findings.add(skew(answer.headers().firstValue("Date"), sent, received));
        return findings;
    }

    /** One sentence for a directory that did not answer: the JDK's own text ("PKIX path building failed: ...") is none. */
    String unreachable(IOException failure) {
        URI directory = acme.directory();
        if (CaFailures.untrusted(failure)) {
            return untrusted(directory, names);
        }
        return "CA directory " + directory + " could not be reached: " + CaFailures.network(failure, directory.getHost(), acme.settingNames())
                + "; check " + names.of(Setting.CA) + ", " + names.of(Setting.PROXY) + " and that this host may connect out to it.";
    }

    /** The sentence for a CA whose HTTPS certificate this Java does not trust (a private or test CA). */
    static String untrusted(URI directory, SettingNames names) {
        return "The CA's certificate at " + CaFailures.hostAndPort(directory) + " is not trusted by this Java; pass "
                + names.assignment(Setting.CA_TRUST, "FILE") + " with the CA's root (PEM).";
    }

    /** What the directory says the CA offers, as one clause. */
    static String offers(JSON directory) {
        JSON meta = directory.contains("meta") ? directory.get("meta").asObject() : JSON.empty();
        List<String> parts = new ArrayList<>();
        // challenge types are per authorization in ACME; only dns-persist-01 (draft -02) announces itself in meta
        parts.add(meta.contains("issuerDomainNames") ? "challenges: dns-persist-01 announced (meta.issuerDomainNames), "
                + "the rest are offered per order" : "challenges: not listed in the directory (the CA offers them per order)");
        parts.add(meta.contains("profiles") ? "profiles: " + String.join(", ", meta.get("profiles").asObject().keySet())
                : "profiles: none");
        parts.add(directory.contains("renewalInfo") ? "ARI (renewalInfo): yes" : "ARI (renewalInfo): no, renewals follow "
                + "the certificate's lifetime");
        if (meta.contains("caaIdentities")) {
            List<String> identities = new ArrayList<>();
            meta.get("caaIdentities").asArray().forEach(value -> identities.add(value.asString()));
            parts.add("CAA identity: " + String.join(", ", identities));
        }
        return String.join("; ", parts);
    }

    /** The CA's clock against this host's, with the Date header's one-second resolution allowed for. */
    Finding skew(Optional<String> date, Instant sent, Instant received) {
        if (date.isEmpty()) {
            return Finding.warn("clock: the CA sent no Date header, so this host's clock could not be compared with it.");
        }
        Instant theirs;
        try {
            theirs = ZonedDateTime.parse(date.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return Finding.warn("clock: the CA's Date header '" + date.get() + "' could not be read, so this host's clock "
                    + "could not be compared with it.");
        }
        Instant ours = sent.plus(Duration.between(sent, received).dividedBy(2));
        Duration off = Duration.between(theirs, ours).abs();
        // the header has whole seconds only, and the CA stamped it somewhere in the round trip
        Duration slack = Duration.ofSeconds(1).plus(Duration.between(sent, received));
        Duration skew = off.compareTo(slack) <= 0 ? Duration.ZERO : off.minus(slack);
        String ahead = ours.isAfter(theirs) ? "ahead of" : "behind";
        String measured = "this host's clock is " + off.toSeconds() + " s " + ahead + " the CA's";
        if (skew.compareTo(SKEW_FAILURE) > 0) {
            return Finding.fail("clock: " + measured + " (more than " + SKEW_FAILURE.toMinutes() + " min): the CA will refuse "
                    + "requests and renewal times are wrong; synchronise it (timedatectl set-ntp true, or chrony/ntpd).");
        }
        if (skew.compareTo(SKEW_WARNING) > 0) {
            return Finding.warn("clock: " + measured + " (more than " + SKEW_WARNING.toSeconds() + " s); synchronise it "
                    + "(timedatectl set-ntp true, or chrony/ntpd) before it drifts further.");
        }
        return Finding.ok("clock: " + measured + " (within " + SKEW_WARNING.toSeconds() + " s).");
    }
}
