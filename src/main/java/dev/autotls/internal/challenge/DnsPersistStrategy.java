package dev.autotls.internal.challenge;

import dev.autotls.internal.acme.AcmeClient;
import dev.autotls.internal.acme.ChallengeStrategy;
import dev.autotls.internal.acme.DnsPersist01Challenge;
import dev.autotls.internal.acme.PersistAccountUri;
import dev.autotls.internal.acme.PersistRecord;
import dev.autotls.internal.acme.PreflightException;
import dev.autotls.internal.dns.AuthoritativeDns;
import dev.autotls.spi.AutoTlsException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.toolbox.JSON;

/**
 * dns-persist-01: the owner publishes once {@code _validation-persist.<name>. TXT
 * "<issuer>; accounturi=<this account>[; policy=wildcard]"}, and from then on this host
 * needs nothing but its ACME account key, for renewals and wildcards too.
 *
 * <p>The issuer name comes from the CA (directory {@code issuerDomainNames}, else
 * {@code caaIdentities}); the account URI is the account URL, or the hashed form when the
 * directory advertises {@code accountHashPrefix} (draft -02). Before any order the record is
 * read at the zone's authoritative servers and judged as the CA will; each way it can be
 * wrong gets its own sentence naming the record and the expected value.
 */
public final class DnsPersistStrategy implements ChallengeStrategy {
    public static final String NAME = "dns-persist-01";
    /** A persistUntil closer than this is reported: renewals would soon stop working. */
    public static final Duration EXPIRY_WARNING = Duration.ofDays(30);

    private final AcmeClient acme;
    private final AuthoritativeDns dns;
    private final Clock clock;
    private final Optional<Instant> persistUntil;

    public DnsPersistStrategy(AcmeClient acme, AuthoritativeDns dns, Clock clock, Optional<Instant> persistUntil) {
        this.acme = acme;
        this.dns = dns;
        this.clock = clock;
        this.persistUntil = persistUntil;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> challengeTypes() {
        return List.of(DnsPersist01Challenge.TYPE);
    }

    @Override
    public Suitability suitability(String name) {
        return Suitability.throughDns(name);
    }

    /** What the record for one base name must say. */
    record Expected(String baseName, List<String> issuers, String accountUri, boolean wildcard, String value) {
        String line() {
            return PersistRecord.zoneLine(baseName, value);
        }
    }

    /** The record for the first CA of {@code autotls.ca} (what {@code records} prints and preflight checks). */
    Expected expected(String base, boolean wildcard) throws AutoTlsException, IOException, AcmeException, InterruptedException {
        JSON meta = acme.metadata().getJSON();
        List<String> issuers = issuers(meta, acme.directory());
        return expected(base, wildcard, meta, issuers, acme.login());
    }

    private static List<String> issuers(JSON meta, Object directory) throws PreflightException {
        List<String> issuers = new ArrayList<>();
        for (String key : List.of("issuerDomainNames", "caaIdentities")) {
            if (issuers.isEmpty() && meta.contains(key)) {
                meta.get(key).asArray().forEach(v -> issuers.add(v.asString().toLowerCase(java.util.Locale.ROOT)));
            }
        }
        if (issuers.isEmpty()) {
            throw new PreflightException("the CA " + directory + " names no issuer domain (no issuerDomainNames or "
                    + "caaIdentities in its directory), so it cannot take a dns-persist-01 record");
        }
        return issuers;
    }

    private Expected expected(String base, boolean wildcard, JSON meta, List<String> issuers, Login login) {
        String accountUrl = login.getAccountLocation().toString();
        String accountUri = meta.contains("accountHashPrefix")
                ? PersistAccountUri.hashed(meta.get("accountHashPrefix").asString(), base, login.getKeyPair().getPublic(), accountUrl)
                : accountUrl;
        return new Expected(base, issuers, accountUri, wildcard,
                PersistRecord.format(issuers.get(0), accountUri, wildcard, persistUntil));
    }

    @Override
    public List<String> requiredRecords(List<String> names) throws AutoTlsException, IOException, AcmeException, InterruptedException {
        List<String> lines = new ArrayList<>();
        for (String base : ChallengeStrategy.baseNames(names)) {
            lines.add(expected(base, names.contains("*." + base)).line());
        }
        return lines;
    }

    @Override
    public void preflight(List<String> names) throws AutoTlsException, IOException, AcmeException, InterruptedException {
        for (String base : ChallengeStrategy.baseNames(names)) {
            Expected expected = expected(base, names.contains("*." + base));
            List<String> found;
            try {
                found = dns.txt(PersistRecord.PREFIX + base);
            } catch (IOException e) {
                throw new PreflightException("could not read " + PersistRecord.PREFIX + base + " (" + e.getMessage()
                        + "); it must hold: " + expected.line());
            }
            Optional<String> problem = judge(found, expected, clock.instant());
            if (problem.isPresent()) {
                throw new PreflightException(problem.get());
            }
        }
    }

    /** Empty when one of the records at the name will validate; else what is wrong, in one sentence with the fix. */
    static Optional<String> judge(List<String> found, Expected expected, Instant now) {
        String owner = PersistRecord.PREFIX + expected.baseName();
        if (found.isEmpty()) {
            return Optional.of(owner + " has no TXT record. Add this record once: " + expected.line());
        }
        List<String> problems = new ArrayList<>();
        for (String text : found) {
            Optional<String> problem = problem(PersistRecord.parse(text), expected, now);
            if (problem.isEmpty()) {
                return Optional.empty();
            }
            problems.add(problem.get());
        }
        if (problems.size() == 1) {
            return Optional.of(owner + " " + problems.get(0) + ". Change it to: " + expected.line());
        }
        StringBuilder all = new StringBuilder(owner + " has " + problems.size() + " TXT records and none fits:");
        for (int i = 0; i < problems.size(); i++) {
            all.append(" (").append(i + 1).append(") ").append(problems.get(i)).append(';');
        }
        return Optional.of(all.append(" add: ").append(expected.line()).toString());
    }

    private static Optional<String> problem(PersistRecord record, Expected expected, Instant now) {
        if (record.malformed().isPresent()) {
            return Optional.of("is malformed (" + record.malformed().get() + ")");
        }
        if (!expected.issuers().contains(record.issuer())) {
            return Optional.of("names the issuer " + record.issuer() + ", but this CA accepts " + String.join(" or ", expected.issuers()));
        }
        if (!expected.accountUri().equals(record.accountUri().orElse(""))) {
            return Optional.of("authorizes another ACME account (accounturi=" + record.accountUri().orElse("")
                    + "), not this host's (" + expected.accountUri() + ")");
        }
        if (expected.wildcard() && !record.wildcardPolicy()) {
            return Optional.of("lacks policy=wildcard, which *." + expected.baseName() + " needs");
        }
        Optional<Instant> until = record.persistUntil();
        if (until.isPresent() && !until.get().isAfter(now)) {
            return Optional.of("expired at " + until.get() + " (persistUntil)");
        }
        if (until.isPresent() && until.get().isBefore(now.plus(EXPIRY_WARNING))) {
            return Optional.of("expires at " + until.get() + " (persistUntil), within " + EXPIRY_WARNING.toDays()
                    + " days, so renewals would soon fail; extend or drop persistUntil");
        }
        return Optional.empty();
    }

    @Override
    public void present(List<PendingChallenge> challenges, Login login) throws AutoTlsException, IOException, AcmeException, InterruptedException {
        for (PendingChallenge pending : challenges) {
            DnsPersist01Challenge challenge = (DnsPersist01Challenge) pending.challenge();
            List<String> offered = challenge.issuerDomainNames(); // throws if malformed
            // the CA of this order (a fallback CA's issuer domain and account differ from the first's)
            JSON meta = login.getSession().getMetadata().getJSON();
            Expected expected = expected(pending.baseName(), pending.wildcard(), meta,
                    issuers(meta, login.getSession().getServerUri()), login);
            if (!offered.contains(expected.value().substring(0, expected.value().indexOf(';')))) {
                throw new PreflightException("the CA's challenge for " + pending.name() + " accepts the issuers " + offered
                        + ", not the one in the record; change it to: " + expected.line());
            }
            if (challenge.accountUri().isPresent() && !challenge.accountUri().get().equals(expected.accountUri())) {
                throw new PreflightException("the CA asks for accounturi=" + challenge.accountUri().get() + " at "
                        + PersistRecord.PREFIX + pending.baseName() + ", not " + expected.accountUri());
            }
        }
    }

    @Override
    public void cleanUp(List<PendingChallenge> challenges) {
        // the record is meant to stay
    }

}
