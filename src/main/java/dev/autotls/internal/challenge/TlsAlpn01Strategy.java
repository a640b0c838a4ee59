package dev.autotls.internal.challenge;

import dev.autotls.internal.acme.ChallengeStrategy;
import dev.autotls.internal.names.IpAddresses;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.internal.tls.CertifiedKey;
import dev.autotls.internal.tls.SelfSignedCertificates;
import dev.autotls.internal.tls.ValidationCertificates;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * tls-alpn-01 (RFC 8737): the CA opens a TLS connection to port 443 of the name, offering only
 * the ALPN protocol {@code acme-tls/1}, and expects a self-signed certificate for the name
 * carrying the SHA-256 of the key authorization in the critical acmeIdentifier extension
 * (1.3.6.1.5.5.7.1.31). Needs no DNS record and no port 80, only 443 reachable by the CA;
 * never for wildcards. For an IP address (RFC 8738 section 6) the CA connects to the address and
 * sends its reverse-DNS name as the SNI ({@code 1.0.0.127.in-addr.arpa} for {@code 127.0.0.1}),
 * and the certificate carries the address as its one iPAddress SAN.
 *
 * <p>The validation certificate is built in memory and served through
 * {@link ValidationCertificates}, beside the live certificates but only to {@code acme-tls/1}
 * handshakes. Behind a load balancer the CA's handshake may reach any instance of the site,
 * and a handshake must never wait for the store, so the key authorization is also saved under
 * {@code tls-alpn-01/<name>} and every instance {@link #refreshFromStore() polls} those keys
 * every {@link #POLL_INTERVAL}, building the same kind of certificate in memory. The instance
 * that placed the order waits {@link #OTHERS_GRACE} (two polls) before the CA is told to look,
 * so the others have it too.
 */
public final class TlsAlpn01Strategy implements ChallengeStrategy {
    public static final String NAME = "tls-alpn-01";
    /** How often an instance reads the pending tls-alpn-01 answers other instances stored. */
    public static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    /** How long the ordering instance gives the other instances to pick its answer up. */
    public static final Duration OTHERS_GRACE = POLL_INTERVAL.multipliedBy(2);
    private static final Logger LOG = LoggerFactory.getLogger(TlsAlpn01Strategy.class);

    private final CertificateStore store;
    private final ValidationCertificates validations;
    /** Every managed name, asked for only when answers are pending and the names changed since the last look. */
    private volatile Supplier<? extends Collection<String>> managed;
    /** Set when names are managed or unmanaged at run time: {@link #byKeyName} is made again at the next look that needs it. */
    private volatile boolean namesChanged = true;
    /** The non-wildcard managed names by their answer's key name; read and written by the poll only. */
    private Map<String, String> byKeyName = Map.of();
    /** Key authorizations this instance presented, by name; the poll leaves these alone. */
    private final Map<String, String> local = new ConcurrentHashMap<>();
    /** Store versions seen per name; read and written by the poll only. */
    private final Map<String, Long> seen = new HashMap<>();

    /**
     * @param validations where validation certificates are served from
     * @param names       the configured names (wildcards are skipped)
     */
    public TlsAlpn01Strategy(CertificateStore store, ValidationCertificates validations, List<String> names) {
        this.store = store;
        this.validations = validations;
        List<String> configured = List.copyOf(names);
        follow(() -> configured);
    }

    /**
     * Looks for the answers of the names {@code managed} gives (wildcards are skipped) from the next
     * poll on; {@link #namesChanged} says when to ask it again.
     */
    public void follow(Supplier<? extends Collection<String>> managed) {
        this.managed = managed;
        namesChanged();
    }

    /**
     * Names were managed or unmanaged: the next poll that finds answers asks for them again. Cheap,
     * so adding 100,000 names one by one costs no pass over all of them per name.
     */
    public void namesChanged() {
        namesChanged = true;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> challengeTypes() {
        return List.of(TlsAlpn01Challenge.TYPE);
    }

    @Override
    public Suitability suitability(String name) {
        if (name.startsWith("*.")) {
            return Suitability.no("tls-alpn-01 cannot validate the wildcard " + name
                    + "; use dns-persist-01 or an acme-dns alias for wildcards");
        }
        return Suitability.yes();
    }

    @Override
    public void present(List<PendingChallenge> challenges, Login login) throws StorageException {
        for (PendingChallenge pending : challenges) {
            TlsAlpn01Challenge challenge = (TlsAlpn01Challenge) pending.challenge();
            String name = pending.baseName();
            local.put(name, challenge.getAuthorization());
            validations.put(serverName(name), validationCertificate(name, challenge.getAuthorization()));
            // the order waits for this write: another instance may receive the CA's handshake
            try {
                store.save(StorageKeys.tlsAlpnAnswer(name), challenge.getAuthorization().getBytes(StandardCharsets.US_ASCII),
                        CertificateStore.Sensitivity.PUBLIC);
            } catch (IOException e) {
                // the store's failure, not the CA's: retried as storage, and never moves orders to another CA
                throw new StorageException("could not store the tls-alpn-01 answer for " + name, e);
            }
        }
    }

    /** Gives every other instance of the site time to read the answers from the store (two of its polls). */
    @Override
    public void awaitVisible(List<PendingChallenge> challenges) throws InterruptedException {
        Thread.sleep(OTHERS_GRACE.toMillis());
    }

    @Override
    public void cleanUp(List<PendingChallenge> challenges) {
        for (PendingChallenge pending : challenges) {
            String name = pending.baseName();
            local.remove(name);
            validations.remove(serverName(name));
            try {
                store.delete(StorageKeys.tlsAlpnAnswer(name));
            } catch (IOException e) {
                // a stale answer is harmless: it is shown only to acme-tls/1 handshakes, and the next order replaces it
                LOG.debug("could not remove the tls-alpn-01 answer for {} from the store: {}", name, e.toString());
            }
        }
    }

    /**
     * One look at the store for answers other instances saved: a list of the answers' folder (the
     * pending answers only, a handful whatever the number of names), one query for the versions of
     * those of managed names, a read of only those that changed. Serves what appeared, withdraws what
     * vanished. Never called on the handshake path; the store being down changes nothing.
     */
    public synchronized void refreshFromStore() {
        List<String> pending;
        try {
            pending = store.list(StorageKeys.TLS_ALPN_FOLDER);
        } catch (IOException e) {
            LOG.debug("could not list the pending tls-alpn-01 answers in the store: {}", e.toString());
            return;
        }
        if (pending.isEmpty() && seen.isEmpty()) {
            return; // no order anywhere uses tls-alpn-01 now: the usual case, one cheap query
        }
        Map<String, String> managedNames = managedByKeyName();
        Set<String> looked = new LinkedHashSet<>(seen.keySet()); // what vanished is withdrawn
        for (String keyName : pending) {
            String name = managedNames.get(keyName);
            if (name != null) {
                looked.add(name);
            }
        }
        List<String> names = new ArrayList<>(looked);
        List<String> keys = new ArrayList<>(names.size());
        for (String name : names) {
            keys.add(StorageKeys.tlsAlpnAnswer(name));
        }
        Map<String, Long> versions;
        try {
            versions = store.versions(keys);
        } catch (IOException e) {
            LOG.debug("could not read the pending tls-alpn-01 answers from the store: {}", e.toString());
            return;
        }
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            Long version = versions.get(keys.get(i));
            Long before = seen.get(name);
            if (version == null) {
                if (before != null) {
                    seen.remove(name);
                    if (!local.containsKey(name)) {
                        validations.remove(serverName(name));
                    }
                }
            } else if (!version.equals(before)) {
                adopt(name, keys.get(i), version);
            }
        }
    }

    /** {@link #byKeyName}, made again from {@link #managed} when names changed since. */
    private Map<String, String> managedByKeyName() {
        if (namesChanged) {
            namesChanged = false; // first: a change while the names are read is seen at the next look
            Map<String, String> made = new HashMap<>();
            for (String name : managed.get()) {
                if (!name.startsWith("*.")) {
                    made.put(StorageKeys.tlsAlpnAnswer(name).substring(StorageKeys.TLS_ALPN_FOLDER.length() + 1), name);
                }
            }
            byKeyName = made;
        }
        return byKeyName;
    }

    private void adopt(String name, String key, long version) {
        Optional<byte[]> stored;
        try {
            stored = store.load(key);
        } catch (IOException e) {
            LOG.debug("could not read the tls-alpn-01 answer for {}: {}", name, e.toString());
            return; // seen stays old: the next poll tries again
        }
        seen.put(name, version);
        if (stored.isEmpty()) {
            return;
        }
        String keyAuthorization = new String(stored.get(), StandardCharsets.US_ASCII);
        if (keyAuthorization.equals(local.get(name))) {
            return; // this instance's own answer, already served
        }
        validations.put(serverName(name), validationCertificate(name, keyAuthorization));
        LOG.info("Answering the CA's tls-alpn-01 check for {} that another instance asked for.", name);
    }

    /**
     * The server name the CA's {@code acme-tls/1} handshake asks for: the name itself, or for an IP
     * address its reverse-DNS name (RFC 8738 section 6), since SNI cannot carry an address.
     */
    static String serverName(String name) {
        return IpAddresses.isAddress(name) ? IpAddresses.reverseName(name) : name;
    }

    /** RFC 8737 section 3: self-signed, SAN = the name (an iPAddress for an address), critical acmeIdentifier = SHA-256(key authorization). */
    static CertifiedKey validationCertificate(String name, String keyAuthorization) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(keyAuthorization.getBytes(StandardCharsets.US_ASCII));
            return SelfSignedCertificates.tlsAlpn01(name, digest, Clock.systemUTC());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
