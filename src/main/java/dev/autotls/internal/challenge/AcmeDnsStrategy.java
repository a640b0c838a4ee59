package dev.autotls.internal.challenge;

import dev.autotls.internal.acme.ChallengeStrategy;
import dev.autotls.internal.acme.PreflightException;
import dev.autotls.internal.dns.AuthoritativeDns;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.CertificateStore;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.exception.AcmeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CNAME alias to an acme-dns server: the owner delegates validation once with
 * {@code _acme-challenge.<name>. CNAME <uuid>.<acme-dns zone>.}; this host keeps only the
 * acme-dns credential, which can change two TXT values in a throwaway zone and nothing else.
 *
 * <p>One registration per base name (a wildcard shares its base's), made on first need and
 * kept in the certificate store (0600). Before any order the CNAME is checked at the zone's
 * authoritative servers; while it is missing or points elsewhere no order is placed. The
 * TXT values of a base and its wildcard are published together (acme-dns keeps the last
 * two) and the strategy waits until the acme-dns server's own answer shows them.
 */
public final class AcmeDnsStrategy implements ChallengeStrategy {
    public static final String NAME = "acme-dns";
    private static final Logger LOG = LoggerFactory.getLogger(AcmeDnsStrategy.class);
    private static final Duration VISIBLE_TIMEOUT = Duration.ofMinutes(2);

    private final AcmeDnsClient client;
    private final CertificateStore store;
    private final AuthoritativeDns dns;

    public AcmeDnsStrategy(AcmeDnsClient client, CertificateStore store, AuthoritativeDns dns) {
        this.client = client;
        this.store = store;
        this.dns = dns;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> challengeTypes() {
        return List.of(Dns01Challenge.TYPE);
    }

    @Override
    public Suitability suitability(String name) {
        return Suitability.throughDns(name);
    }

    /**
     * The registration for {@code baseName}, registering first if there is none. Registering
     * happens under the registration's lease, so instances sharing a store register once
     * between them (a second registration would need a second CNAME).
     */
    public synchronized AcmeDnsClient.Registration registration(String baseName) throws IOException, InterruptedException {
        String key = StorageKeys.acmeDnsRegistration(client.base(), baseName);
        Optional<byte[]> stored = store.load(key);
        if (stored.isPresent()) {
            return AcmeDnsClient.fromJson(stored.get());
        }
        try (dev.autotls.spi.Lease lease = store.locker().acquire(StorageKeys.lockFor(key), Duration.ofMinutes(2))) {
            Optional<byte[]> meanwhile = store.load(key);
            if (meanwhile.isPresent()) {
                return AcmeDnsClient.fromJson(meanwhile.get());
            }
            return register(baseName, key);
        }
    }

    private AcmeDnsClient.Registration register(String baseName, String key) throws IOException, InterruptedException {
        AcmeDnsClient.Registration registration = client.register();
        store.save(key, AcmeDnsClient.toJson(registration, client.base()), CertificateStore.Sensitivity.SECRET);
        LOG.info("Registered {} with the acme-dns server {} for {}.", registration.fulldomain(), client.base(), baseName);
        return registration;
    }

    @Override
    public List<String> requiredRecords(List<String> names) throws AutoTlsException, IOException, AcmeException, InterruptedException {
        List<String> lines = new ArrayList<>();
        for (String base : ChallengeStrategy.baseNames(names)) {
            lines.add(record(base, registration(base)));
        }
        return lines;
    }

    private static String record(String base, AcmeDnsClient.Registration registration) {
        return "_acme-challenge." + base + ". CNAME " + registration.fulldomain() + ".";
    }

    @Override
    public void preflight(List<String> names) throws AutoTlsException, IOException, AcmeException, InterruptedException {
        for (String base : ChallengeStrategy.baseNames(names)) {
            AcmeDnsClient.Registration registration = registration(base);
            String owner = "_acme-challenge." + base;
            Optional<String> target;
            try {
                target = dns.cname(owner);
            } catch (IOException e) {
                throw new PreflightException("could not check the CNAME at " + owner + " (" + e.getMessage()
                        + "); it must be: " + record(base, registration));
            }
            if (target.isEmpty()) {
                throw new PreflightException(owner + " has no CNAME yet. Add this record once: " + record(base, registration));
            }
            if (!target.get().equals(registration.fulldomain())) {
                throw new PreflightException(owner + " points to " + target.get() + ", not to this host's acme-dns name "
                        + registration.fulldomain() + ". Change it to: " + record(base, registration));
            }
        }
    }

    @Override
    public void present(List<PendingChallenge> challenges, Login login) throws AutoTlsException, IOException, AcmeException, InterruptedException {
        for (Map.Entry<String, List<String>> entry : Dns01Values.byBase(challenges).entrySet()) {
            AcmeDnsClient.Registration registration = registration(entry.getKey());
            for (String value : entry.getValue()) {
                client.update(registration, value);
            }
        }
    }

    @Override
    public void awaitVisible(List<PendingChallenge> challenges) throws AutoTlsException, IOException, AcmeException, InterruptedException {
        Instant deadline = Instant.now().plus(VISIBLE_TIMEOUT);
        for (Map.Entry<String, List<String>> entry : Dns01Values.byBase(challenges).entrySet()) {
            String fulldomain = registration(entry.getKey()).fulldomain();
            Optional<TxtWait.Seen> late = TxtWait.until(() -> dns.txt(fulldomain), entry.getValue(), deadline);
            if (late.isPresent()) {
                throw new IOException("the acme-dns server's DNS did not show the new TXT values at " + fulldomain
                        + " within " + VISIBLE_TIMEOUT.toSeconds() + " s (it shows " + late.get().visible() + ")");
            }
        }
    }

    @Override
    public void cleanUp(List<PendingChallenge> challenges) {
        // acme-dns has no delete: the values are harmless and replaced by the next order's
    }
}
