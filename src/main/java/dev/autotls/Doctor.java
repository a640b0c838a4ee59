package dev.autotls;

import dev.autotls.acme.ChallengeStrategy;
import dev.autotls.acme.ProfileCheck;
import dev.autotls.spi.OwnerActionException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.shredzone.acme4j.Metadata;

/**
 * {@code doctor}: everything that {@code serve} would depend on, checked once, without ordering
 * and without creating an account: each certificate's strategy and DNS records (the same
 * judgement as before an order), CAA at the names and their parents, the CA's directory and what
 * it offers, the clock against the CA's, the storage, and the ports. Each finding is one line,
 * {@code ok}, {@code warn} or {@code fail}, whose sentence says what to change.
 */
public final class Doctor {
    private final AutoTls autoTls;

    /** Uses {@code autoTls}'s configuration, store, CA client and DNS client; it must not be serving. */
    public Doctor(AutoTls autoTls) {
        this.autoTls = autoTls;
        // a check must not leave an account behind: the records' accounturi check says how to get one instead
        autoTls.acmeClient().refuseNewAccount();
    }

    /** How bad a finding is; {@link #FAIL} makes the command exit non-zero. */
    public enum Level {
        OK, WARN, FAIL;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One line of the report. */
    public record Finding(Level level, String text) {
        static Finding ok(String text) {
            return new Finding(Level.OK, text);
        }

        static Finding warn(String text) {
            return new Finding(Level.WARN, text);
        }

        static Finding fail(String text) {
            return new Finding(Level.FAIL, text);
        }

        /** {@code fail  ...}: the level padded, so the sentences line up. */
        public String line() {
            return String.format(Locale.ROOT, "%-4s  %s", level, text);
        }
    }

    /** Runs every check, in the order an operator fixes things: DNS, CAA, CA, clock, storage, ports. */
    public List<Finding> examine() throws InterruptedException {
        // the methods first: auto narrows its challenge types to the ones that pass preflight, and
        // the CAA advice must allow every method auto may fall back to, not just today's choice
        Map<ManagedCertificate, List<String>> methods = new LinkedHashMap<>();
        for (ManagedCertificate certificate : autoTls.managedCertificates()) {
            methods.put(certificate, certificate.strategy.challengeTypes());
        }
        List<Finding> findings = new ArrayList<>();
        for (ManagedCertificate certificate : methods.keySet()) {
            findings.add(strategy(certificate));
        }
        Optional<Metadata> metadata = metadata(autoTls);
        List<String> identities = identities(metadata);
        Optional<String> account = accountUrl(autoTls);
        findings.addAll(new CaaCheck(autoTls.dns()).check(methods, identities, account));
        findings.addAll(CaaCheck.advice(methods, identities, account));
        findings.addAll(new CaCheck(autoTls.acmeClient()).check());
        metadata.flatMap(m -> profile(m, autoTls.config().cas().profile())).ifPresent(findings::add);
        findings.addAll(new StorageCheck(autoTls.config().storage(), autoTls.store()).check());
        findings.addAll(new PortCheck(autoTls.config()).check());
        return findings;
    }

    /**
     * The CAA records that pin the configured CA to this site's account and to every method its
     * strategies may use, as zone-file lines (for {@code records}); empty when the CA's directory
     * cannot be read (it names the CA's CAA identity).
     */
    public static List<String> caaAdvice(AutoTls autoTls) throws InterruptedException {
        Map<ManagedCertificate, List<String>> methods = new LinkedHashMap<>();
        for (ManagedCertificate certificate : autoTls.managedCertificates()) {
            methods.put(certificate, certificate.strategy.challengeTypes());
        }
        List<String> identities = identities(metadata(autoTls));
        if (identities.isEmpty()) {
            return List.of();
        }
        return CaaCheck.records(methods, identities.get(0), accountUrl(autoTls).orElse(CaaCheck.ACCOUNT_PLACEHOLDER));
    }

    /** Preflight, exactly as before an order; the strategy's own sentence when it cannot work yet. */
    private Finding strategy(ManagedCertificate certificate) throws InterruptedException {
        String which = certificate + " (" + autoTls.config().challenge().configName() + ")";
        try {
            certificate.strategy.preflight(certificate.names);
            // after preflight, auto's name is the strategy it chose
            return Finding.ok(which + ": " + certificate.strategy.name() + " can validate; " + needs(certificate.strategy.name()));
        } catch (OwnerActionException e) {
            return Finding.fail(which + ": " + e.getMessage());
        } catch (Exception e) {
            return Finding.fail(which + ": could not check the records (" + e.getMessage() + "); check that the DNS servers "
                    + "and the CA answer from this host, then run doctor again.");
        }
    }

    /** Whether the CA offers {@code autotls.profile}; empty when none is configured. */
    private Optional<Finding> profile(Metadata metadata, Optional<String> profile) {
        if (profile.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(ProfileCheck.problem(metadata, profile, autoTls.acmeClient().directory())
                .map(problem -> Finding.fail("profile: " + problem + "; no order is placed until then."))
                .orElseGet(() -> Finding.ok(metadata.isProfileAllowed() ? "profile: the CA offers " + profile.get() + "."
                        : "profile: the CA offers no profiles; its orders go without " + profile.get() + " and get its default certificate.")));
    }

    /** What a strategy that passed preflight still relies on, in words; the ones on ports cannot be checked from inside. */
    private static String needs(String strategy) {
        switch (strategy) {
            case dev.autotls.challenge.TlsAlpn01Strategy.NAME:
                return "it needs no DNS record beyond the names' addresses, only the HTTPS port reachable by the CA as 443.";
            case dev.autotls.challenge.Http01Strategy.NAME:
                return "it needs no DNS record beyond the names' addresses, only the HTTP port reachable by the CA as 80.";
            default:
                return "its DNS records are in place.";
        }
    }

    private static Optional<Metadata> metadata(AutoTls autoTls) {
        try {
            return Optional.of(autoTls.acmeClient().metadata());
        } catch (Exception unreachable) {
            return Optional.empty(); // the CA check reports it, once
        }
    }

    private static List<String> identities(Optional<Metadata> metadata) {
        List<String> identities = new ArrayList<>();
        metadata.ifPresent(m -> m.getCaaIdentities().forEach(id -> identities.add(id.toLowerCase(Locale.ROOT))));
        return identities;
    }

    private static Optional<String> accountUrl(AutoTls autoTls) {
        try {
            return autoTls.acmeClient().storedAccountUrl().map(Object::toString);
        } catch (Exception unreadable) {
            return Optional.empty(); // the storage check reports it
        }
    }

    /** Whether any finding is a {@code fail}. */
    public static boolean failed(List<Finding> findings) {
        return findings.stream().anyMatch(f -> f.level() == Level.FAIL);
    }

    static List<String> baseNames(ManagedCertificate certificate) {
        return List.copyOf(ChallengeStrategy.baseNames(certificate.names));
    }
}
