package dev.autotls.internal.localca;

import dev.autotls.internal.store.CorruptDataException;
import dev.autotls.internal.store.Pem;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.internal.tls.KeyType;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.Lease;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the local CA's root and intermediate in the store ({@link StorageKeys#localCa}), so every
 * instance that shares the store signs under the same root. The four items are written in one
 * guarded {@code saveAll}: the keys as secrets (0600 files in a folder; sealed with
 * {@code autotls.storage.key} in PostgreSQL when it is set). Making them is race-safe across
 * instances: under the store's lease, read again, and make only what is still missing, so two
 * instances starting together end with one root.
 */
public final class AuthorityStore {
    private static final Logger LOG = LoggerFactory.getLogger(AuthorityStore.class);
    /** How long to wait for another instance that is making the root right now (it takes milliseconds). */
    private static final Duration LEASE_WAIT = Duration.ofMinutes(1);
    private static final List<String> KEYS = List.of(StorageKeys.localCa(StorageKeys.LOCAL_ROOT),
            StorageKeys.localCa(StorageKeys.LOCAL_ROOT_KEY), StorageKeys.localCa(StorageKeys.LOCAL_INTERMEDIATE),
            StorageKeys.localCa(StorageKeys.LOCAL_INTERMEDIATE_KEY));

    private final CertificateStore store;
    private final Clock clock;

    public AuthorityStore(CertificateStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** What the store holds, or empty when no local CA was made yet. */
    public Optional<Authority> load() throws IOException {
        Map<String, byte[]> found = store.loadAll(KEYS);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        if (found.size() != KEYS.size()) {
            // saveAll writes all four or none: a part missing was removed by hand, and a new root would undo every `trust`
            throw new CorruptDataException(store.describe() + " holds only part of the local CA (" + found.keySet()
                    + "); restore " + StorageKeys.LOCAL_FOLDER + "/ca from a backup, or delete it to make a new root (then run "
                    + "`trust` again)");
        }
        String where = store.describe() + " " + StorageKeys.LOCAL_FOLDER + "/ca";
        X509Certificate root = single(found.get(KEYS.get(0)), where + " root");
        KeyPair rootKey = Pem.decodeKeyPair(found.get(KEYS.get(1)), where + " root key");
        X509Certificate intermediate = single(found.get(KEYS.get(2)), where + " intermediate");
        KeyPair intermediateKey = Pem.decodeKeyPair(found.get(KEYS.get(3)), where + " intermediate key");
        if (!root.getPublicKey().equals(rootKey.getPublic()) || !intermediate.getPublicKey().equals(intermediateKey.getPublic())) {
            throw new CorruptDataException(where + ": a key does not belong to its certificate");
        }
        return Optional.of(new Authority(root, rootKey, intermediate, intermediateKey));
    }

    /**
     * The stored local CA, made first when there is none and given a new intermediate when its own
     * is in its last third; other instances doing the same at the same moment end with the same one.
     */
    public Authority loadOrCreate() throws IOException, InterruptedException {
        Optional<Authority> stored = load();
        if (stored.isPresent() && !stored.get().intermediateDue(clock.instant())) {
            return stored.get();
        }
        try (Lease lease = store.locker().acquire(StorageKeys.localCaLock(), LEASE_WAIT)) {
            stored = load(); // another instance may have made it while this one waited for the lease
            Instant now = clock.instant();
            if (stored.isPresent() && !stored.get().intermediateDue(now)) {
                return stored.get();
            }
            Authority made = stored.isPresent() ? newIntermediate(stored.get(), now) : newAuthority(now);
            save(made, lease);
            if (stored.isEmpty()) {
                LOG.info("Made the local CA's root (SHA-256 {}) and intermediate in {}; run `java -jar autotls.jar trust` "
                        + "once so this user's browsers and Java trust it.", made.fingerprint(), store.describe());
            } else {
                LOG.info("Made a new intermediate for the local CA (the previous one ends at {}).",
                        stored.get().intermediate().getNotAfter().toInstant());
            }
            return made;
        } catch (GeneralSecurityException e) {
            throw new IOException("could not make the local CA: " + e.getMessage(), e);
        }
    }

    private static Authority newAuthority(Instant now) throws GeneralSecurityException {
        KeyPair rootKey = KeyType.EC256.generate();
        X509Certificate root = AuthorityCertificates.root(rootKey, now);
        KeyPair intermediateKey = KeyType.EC256.generate();
        return new Authority(root, rootKey, AuthorityCertificates.intermediate(root, rootKey.getPrivate(), intermediateKey, now),
                intermediateKey);
    }

    private static Authority newIntermediate(Authority old, Instant now) throws GeneralSecurityException {
        KeyPair key = KeyType.EC256.generate();
        return new Authority(old.root(), old.rootKey(),
                AuthorityCertificates.intermediate(old.root(), old.rootKey().getPrivate(), key, now), key);
    }

    private void save(Authority authority, Lease lease) throws IOException {
        store.saveAll(List.of(
                new CertificateStore.Item(KEYS.get(0), Pem.encodeChain(List.of(authority.root())), CertificateStore.Sensitivity.PUBLIC),
                new CertificateStore.Item(KEYS.get(1), Pem.encodeKeyPair(authority.rootKey()), CertificateStore.Sensitivity.SECRET),
                new CertificateStore.Item(KEYS.get(2), Pem.encodeChain(List.of(authority.intermediate())),
                        CertificateStore.Sensitivity.PUBLIC),
                new CertificateStore.Item(KEYS.get(3), Pem.encodeKeyPair(authority.intermediateKey()),
                        CertificateStore.Sensitivity.SECRET)), lease);
    }

    private static X509Certificate single(byte[] pem, String what) throws CorruptDataException {
        List<X509Certificate> certificates = Pem.decodeChain(pem, what);
        if (certificates.size() != 1) {
            throw new CorruptDataException(what + " holds " + certificates.size() + " certificates, not one");
        }
        return certificates.get(0);
    }
}
