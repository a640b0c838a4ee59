package dev.autotls.internal.ops;

import dev.autotls.internal.Assembly;
import dev.autotls.internal.acme.CaFailures;
import dev.autotls.internal.acme.ChallengeStrategy;
import dev.autotls.internal.acme.ProfileCheck;
import dev.autotls.internal.config.DomainNames;
import dev.autotls.internal.challenge.Http01Strategy;
import dev.autotls.internal.challenge.TlsAlpn01Strategy;
import dev.autotls.internal.engine.ManagedCertificate;
import dev.autotls.internal.store.Reachability;
import dev.autotls.spi.OwnerActionException;
import java.time.Clock;
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
 * it offers, the clock against the CA's, the storage, the site (running here or not, and each
 * certificate's issuer, expiry and renewal), and the ports unless the site itself holds them. Each finding is one line,
 * {@code ok}, {@code warn} or {@code fail}, whose sentence says what to change.
 */
public final class Doctor {
    private final Assembly site;

    /** Uses {@code site}'s configuration, store, CA client and DNS client; it must not be serving. */
    public Doctor(Assembly site) {
        this.site = site;
        // a check must not leave an account behind: the records' accounturi check says how to get one instead
        site.acme().refuseNewAccount();
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

    /**
     * Runs every check, in the order an operator fixes things: DNS, CAA, CA, clock, storage, the local
     * CA, the site, ports. Certificates the built-in local CA issues need no DNS, CAA or ACME CA, and
     * when every certificate comes from it the ACME CA is not asked at all (doctor then runs offline).
     */
    public List<Finding> examine() throws InterruptedException {
        // the methods first: auto narrows its challenge types to the ones that pass preflight, and
        // the CAA advice must allow every method auto may fall back to, not just today's choice
        Map<ManagedCertificate, List<String>> methods = acmeMethods(site);
        List<Finding> findings = new ArrayList<>();
        for (ManagedCertificate certificate : methods.keySet()) {
            findings.add(strategy(certificate));
        }
        if (site.config().needsAcme()) {
            Optional<Metadata> metadata = metadata(site);
            List<String> identities = identities(metadata);
            Optional<String> account = accountUrl(site);
            findings.addAll(new CaaCheck(site.dns()).check(methods, identities, account));
            findings.addAll(CaaCheck.advice(methods, identities, account));
            findings.addAll(new CaCheck(site.acme(), site.config().names()).check());
            metadata.flatMap(m -> profile(m, site.config().cas().profile())).ifPresent(findings::add);
        }
        findings.addAll(new StorageCheck(site.config().storage(), site.store()).check());
        findings.addAll(new LocalCaCheck(site, Clock.systemUTC()).check());
        SiteCheck.Result running = new SiteCheck(site, Clock.systemUTC()).check();
        findings.addAll(running.findings());
        if (!running.running()) {
            findings.addAll(new PortCheck(site.config()).check()); // a running site holds its own ports: nothing to check
        }
        return findings;
    }

    /** The challenge methods of each certificate an ACME CA issues; the local CA's need none. */
    private static Map<ManagedCertificate, List<String>> acmeMethods(Assembly site) {
        Map<ManagedCertificate, List<String>> methods = new LinkedHashMap<>();
        for (ManagedCertificate certificate : site.certificates()) {
            if (!site.config().cas().issuedLocally(certificate.names)) {
                methods.put(certificate, certificate.strategy.challengeTypes());
            }
        }
        return methods;
    }

    /**
     * The CAA records that pin the configured CA to this site's account and to every method its
     * strategies may use, as zone-file lines (for {@code records}); empty when the CA's directory
     * cannot be read (it names the CA's CAA identity).
     */
    public static List<String> caaAdvice(Assembly site) throws InterruptedException {
        Map<ManagedCertificate, List<String>> methods = acmeMethods(site);
        if (methods.isEmpty()) {
            return List.of();
        }
        List<String> identities = identities(metadata(site));
        if (identities.isEmpty()) {
            return List.of();
        }
        return CaaCheck.records(methods, identities.get(0), accountUrl(site).orElse(CaaCheck.ACCOUNT_PLACEHOLDER));
    }

    /** Preflight, exactly as before an order; the strategy's own sentence when it cannot work yet. */
    private Finding strategy(ManagedCertificate certificate) throws InterruptedException {
        String which = certificate + " (" + site.config().challenge().configName() + ")";
        try {
            certificate.strategy.preflight(certificate.names);
            // after preflight, auto's name is the strategy it chose
            return Finding.ok(which + ": " + certificate.strategy.name() + " can validate; " + needs(certificate.strategy.name()));
        } catch (OwnerActionException e) {
            return Finding.fail(which + ": " + e.getMessage());
        } catch (Exception e) {
            if (CaFailures.untrusted(e)) {
                return Finding.fail(which + ": " + CaCheck.untrusted(site.acme().directory(), site.config().names()));
            }
            return Finding.fail(which + ": could not check the records (" + Reachability.rootCause(e) + "); check that the "
                    + "DNS servers and the CA answer from this host, then run doctor again.");
        }
    }

    /**
     * Whether the CA offers {@code autotls.profile}; without one, whether it offers the profile IP
     * addresses are ordered under; empty when neither question arises.
     */
    private Optional<Finding> profile(Metadata metadata, Optional<String> profile) {
        if (profile.isEmpty()) {
            List<String> addresses = site.config().domains().stream().filter(DomainNames::isAddress).toList();
            if (addresses.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(ProfileCheck.problem(metadata, profile, addresses, site.acme().directory())
                    .map(problem -> Finding.fail("profile: " + problem + "; no order for an address is placed until then."))
                    .orElseGet(() -> Finding.ok(metadata.isProfileAllowed()
                            ? "profile: IP addresses are ordered under the CA's " + ProfileCheck.FOR_ADDRESSES + " profile."
                            : "profile: the CA offers no profiles; IP addresses are ordered without one.")));
        }
        return Optional.of(ProfileCheck.problem(metadata, profile, site.acme().directory())
                .map(problem -> Finding.fail("profile: " + problem + "; no order is placed until then."))
                .orElseGet(() -> Finding.ok(metadata.isProfileAllowed() ? "profile: the CA offers " + profile.get() + "."
                        : "profile: the CA offers no profiles; its orders go without " + profile.get() + " and get its default certificate.")));
    }

    /** What a strategy that passed preflight still relies on, in words; the ones on ports cannot be checked from inside. */
    private static String needs(String strategy) {
        switch (strategy) {
            case TlsAlpn01Strategy.NAME:
                return "it needs no DNS record beyond the names' addresses, only the HTTPS port reachable by the CA as 443.";
            case Http01Strategy.NAME:
                return "it needs no DNS record beyond the names' addresses, only the HTTP port reachable by the CA as 80.";
            default:
                return "its DNS records are in place.";
        }
    }

    private static Optional<Metadata> metadata(Assembly site) {
        try {
            return Optional.of(site.acme().metadata());
        } catch (Exception unreachable) {
            return Optional.empty(); // the CA check reports it, once
        }
    }

    private static List<String> identities(Optional<Metadata> metadata) {
        List<String> identities = new ArrayList<>();
        metadata.ifPresent(m -> m.getCaaIdentities().forEach(id -> identities.add(id.toLowerCase(Locale.ROOT))));
        return identities;
    }

    private static Optional<String> accountUrl(Assembly site) {
        try {
            return site.acme().storedAccountUrl().map(Object::toString);
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
