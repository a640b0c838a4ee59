package dev.autotls.internal.localca;

import dev.autotls.internal.store.CorruptDataException;
import dev.autotls.internal.store.Pem;
import dev.autotls.internal.store.SecretSealing;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.CertificateStore.Item;
import dev.autotls.spi.CertificateStore.Sensitivity;
import dev.autotls.spi.Lease;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the local CA's root and its one intermediate in the store ({@link StorageKeys#localCa}), so
 * every instance that shares the store signs under the same root. The three items (root,
 * intermediate, intermediate key) are written in one guarded {@code saveAll}, the key as a secret
 * (0600 file in a 0700 folder; sealed with {@code autotls.storage.key} in PostgreSQL when it is
 * set). The root's key is never among them ({@link AuthorityCertificates#create}). Making them is
 * race-safe across instances: under the store's lease, read again, and make only what is still
 * missing, so two instances starting together end with one root.
 */
public final class AuthorityStore {
    private static final Logger LOG = LoggerFactory.getLogger(AuthorityStore.class);
    /** How long to wait for another instance that is making the root right now (it takes milliseconds). */
    private static final Duration LEASE_WAIT = Duration.ofMinutes(1);
    private static final String ROOT = StorageKeys.localCa(StorageKeys.LOCAL_ROOT);
    private static final String INTERMEDIATE = StorageKeys.localCa(StorageKeys.LOCAL_INTERMEDIATE);
    private static final String INTERMEDIATE_KEY = StorageKeys.localCa(StorageKeys.LOCAL_INTERMEDIATE_KEY);
    private static final List<String> KEYS = List.of(ROOT, INTERMEDIATE, INTERMEDIATE_KEY);
    /** Where the first version kept the root's key; removed wherever it is still found. */
    private static final String FORMER_ROOT_KEY = StorageKeys.localCa(StorageKeys.FORMER_LOCAL_ROOT_KEY);

    private final CertificateStore store;
    private final Clock clock;
    /** How to set the storage key, in the form the person gives settings ({@code --storage.key=…}), for the warning. */
    private final String setStorageKey;

    /** For tools and tests: the warning names the storage key by its setting's key. */
    public AuthorityStore(CertificateStore store, Clock clock) {
        this(store, clock, "autotls.storage.key");
    }

    public AuthorityStore(CertificateStore store, Clock clock, String setStorageKey) {
        this.store = store;
        this.clock = clock;
        this.setStorageKey = setStorageKey;
    }

    /** What the store holds, or empty when no local CA was made yet. */
    public Optional<Authority> load() throws IOException {
        Map<String, byte[]> found = store.loadAll(KEYS);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        if (found.size() != KEYS.size()) {
            // saveAll writes all three or none: a part missing was removed by hand, and a new root would undo every `trust`
            throw new CorruptDataException(store.describe() + " holds only part of the local CA (" + found.keySet()
                    + "); restore " + StorageKeys.LOCAL_FOLDER + "/ca from a backup, or delete it to make a new root (then run "
                    + "`trust` again)");
        }
        String where = store.describe() + " " + StorageKeys.LOCAL_FOLDER + "/ca";
        X509Certificate root = single(found.get(ROOT), where + " root");
        X509Certificate intermediate = single(found.get(INTERMEDIATE), where + " intermediate");
        KeyPair intermediateKey = Pem.decodeKeyPair(found.get(INTERMEDIATE_KEY), where + " intermediate key");
        if (!intermediate.getPublicKey().equals(intermediateKey.getPublic())) {
            throw new CorruptDataException(where + ": the intermediate key does not belong to the intermediate");
        }
        return Optional.of(new Authority(root, intermediate, intermediateKey));
    }

    /**
     * The stored local CA, made first when there is none; other instances doing the same at the
     * same moment end with the same one. A root key left by the first version is deleted here.
     */
    public Authority loadOrCreate() throws IOException, InterruptedException {
        warnWhereUnsealed();
        Optional<Authority> stored = load();
        if (stored.isPresent() && store.load(FORMER_ROOT_KEY).isEmpty() && unsealed().isEmpty()) {
            return stored.get();
        }
        try (Lease lease = store.locker().acquire(StorageKeys.localCaLock(), LEASE_WAIT)) {
            dropFormerRootKey();
            stored = load(); // another instance may have made it while this one waited for the lease
            if (stored.isPresent()) {
                seal(stored.get(), lease);
                return stored.get();
            }
            Authority made = AuthorityCertificates.create(clock.instant());
            store.saveAll(List.of(
                    new Item(ROOT, Pem.encodeChain(List.of(made.root())), Sensitivity.PUBLIC),
                    new Item(INTERMEDIATE, Pem.encodeChain(List.of(made.intermediate())), Sensitivity.PUBLIC),
                    new Item(INTERMEDIATE_KEY, Pem.encodeKeyPair(made.intermediateKey()), Sensitivity.SECRET)), lease);
            LOG.info("Made the local CA's root (SHA-256 {}) and its intermediate (both until {}; the root's key was not kept) "
                    + "in {}; run `java -jar autotls.jar trust` once so this user's browsers and Java trust it.",
                    made.fingerprint(), made.intermediateEnd(), store.describe());
            return made;
        } catch (GeneralSecurityException e) {
            throw new IOException("could not make the local CA: " + e.getMessage(), e);
        }
    }

    /**
     * The first version stored the root's key, with which anyone reading the store could make an
     * unconstrained intermediate that Java would accept for any name; its intermediate keeps signing.
     */
    private void dropFormerRootKey() throws IOException {
        if (store.load(FORMER_ROOT_KEY).isPresent()) {
            store.delete(FORMER_ROOT_KEY);
            LOG.warn("Deleted the local CA's root key from {} ({}): autotls no longer keeps it, so that nobody can make "
                    + "another intermediate under the trusted root.", store.describe(), FORMER_ROOT_KEY);
        }
    }

    /**
     * A database store without a storage key keeps the intermediate's key readable in every dump and
     * backup: said wherever the local CA is read or made (serve, trust, export-root).
     */
    private void warnWhereUnsealed() {
        if (store instanceof SecretSealing sealing && !sealing.sealsSecrets()) {
            LOG.warn("{} holds the local CA's intermediate key unencrypted, readable in every dump and backup of the "
                    + "database; set {} (make one with: openssl rand -base64 32) on every instance.", store.describe(),
                    setStorageKey);
        }
    }

    /** The local CA's secrets written before a storage key was set; empty where the store seals nothing. */
    private Set<String> unsealed() throws IOException {
        if (store instanceof SecretSealing sealing && sealing.sealsSecrets()) {
            return sealing.unsealedSecrets(List.of(INTERMEDIATE_KEY));
        }
        return Set.of();
    }

    /** Writes the key again, now that a storage key is set, so that it is sealed like every secret written from now on. */
    private void seal(Authority authority, Lease lease) throws IOException {
        if (unsealed().isEmpty()) {
            return;
        }
        store.saveAll(List.of(new Item(INTERMEDIATE_KEY, Pem.encodeKeyPair(authority.intermediateKey()), Sensitivity.SECRET)),
                lease);
        LOG.info("Sealed the local CA's intermediate key in {} with the storage key (it was written before one was set).",
                store.describe());
    }

    private static X509Certificate single(byte[] pem, String what) throws CorruptDataException {
        List<X509Certificate> certificates = Pem.decodeChain(pem, what);
        if (certificates.size() != 1) {
            throw new CorruptDataException(what + " holds " + certificates.size() + " certificates, not one");
        }
        return certificates.get(0);
    }
}
