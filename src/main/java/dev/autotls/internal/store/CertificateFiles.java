package dev.autotls.internal.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autotls.spi.CertificateStore;
import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes {@link StoredCertificate}s in a {@link CertificateStore}, in the layout
 * of {@link StorageKeys}.
 *
 * <p>A certificate is three keys (key, chain, metadata) written together by one guarded
 * {@link CertificateStore#saveAll} and read together by {@link CertificateStore#loadAll}.
 * Loading still checks that the key pair is the leaf's and that all three agree (a store
 * written by hand, or by an older version that wrote them one by one), and reports anything
 * else as {@link CorruptDataException}, so it is never served and gets re-ordered.
 */
public final class CertificateFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CertificateStore store;
    private final String caFolder;

    public CertificateFiles(CertificateStore store, String caFolder) {
        this.store = store;
        this.caFolder = caFolder;
    }

    /**
     * Stores {@code certificate} while {@code lease} is held.
     *
     * @throws dev.autotls.spi.LostLeaseException if the lease was lost: nothing was written
     */
    public void save(StoredCertificate certificate, dev.autotls.spi.Lease lease) throws IOException {
        String name = StorageKeys.certificateName(certificate.names().get(0));
        ObjectNode meta = JSON.createObjectNode();
        meta.putPOJO("names", certificate.names());
        meta.put("issuedAt", certificate.issuedAt().toString());
        meta.put("notBefore", certificate.notBefore().toString());
        meta.put("notAfter", certificate.notAfter().toString());
        meta.put("serial", certificate.leaf().getSerialNumber().toString(16));
        meta.put("issuer", certificate.leaf().getIssuerX500Principal().getName()); // for status without reading the chain
        store.saveAll(List.of(
                new CertificateStore.Item(key(name, StorageKeys.PRIVATE_KEY), Pem.encodeKeyPair(certificate.keyPair()),
                        CertificateStore.Sensitivity.SECRET),
                new CertificateStore.Item(key(name, StorageKeys.FULL_CHAIN), Pem.encodeChain(certificate.chain()),
                        CertificateStore.Sensitivity.PUBLIC),
                new CertificateStore.Item(key(name, StorageKeys.METADATA), JSON.writeValueAsBytes(meta),
                        CertificateStore.Sensitivity.PUBLIC)), lease);
    }

    /** Stores {@code certificate} under its own lease, waiting up to a minute for it (tools and tests; maintenance holds the lease already). */
    public void save(StoredCertificate certificate) throws IOException {
        try (dev.autotls.spi.Lease lease = store.locker().acquire(lockName(certificate.names().get(0)),
                java.time.Duration.ofMinutes(1))) {
            save(certificate, lease);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for the lease on " + certificate.names());
        }
    }

    /**
     * Removes what is stored for the certificate whose first name is {@code firstName}, while the
     * caller holds its {@link #lockName lease}: the private key first, so an interrupted delete
     * leaves no key behind, and what is left reads as incomplete ({@link CorruptDataException}),
     * never served. Its next look goes last, so no instance plans looks at a certificate that is gone.
     */
    public void delete(String firstName) throws IOException {
        for (String key : keysOf(firstName)) {
            store.delete(key);
        }
        store.deleteNextLook(folder(firstName)); // where the store keeps it: a PostgreSQL store has a table of them
    }

    /** The key whose version changes with every save of this certificate (its metadata, written with the rest). */
    public String versionKey(String firstName) {
        return key(StorageKeys.certificateName(firstName), StorageKeys.METADATA);
    }

    /** The folder key of the certificate whose first name is {@code firstName} (where its next look is kept too). */
    public String folder(String firstName) {
        return StorageKeys.certificateFolder(caFolder, firstName);
    }

    /** The folder whose sub-folders are the certificates' ({@link CertificateStore#nextLooks} asks below it). */
    public String certificatesFolder() {
        return StorageKeys.certificatesFolder(caFolder);
    }

    /** The lease that guards this certificate's orders and saves. */
    public String lockName(String firstName) {
        return StorageKeys.lockFor(StorageKeys.certificateFolder(caFolder, firstName));
    }

    /**
     * The certificate stored for the certificate whose first name is {@code firstName};
     * empty if none was ever stored.
     *
     * @throws CorruptDataException if something is stored but is not a usable, consistent certificate
     */
    public Optional<StoredCertificate> load(String firstName) throws IOException {
        return fromFound(firstName, store.loadAll(keysOf(firstName)));
    }

    /**
     * What the metadata of the certificate stored for {@code firstName} says, without reading its key and
     * chain; empty if it has none.
     *
     * @throws CorruptDataException if the metadata is not what {@link #save} writes
     */
    public Optional<StoredMetadata> loadMetadata(String firstName) throws IOException {
        Optional<byte[]> bytes = store.load(versionKey(firstName));
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        String where = caFolder + "/certificates/" + StorageKeys.certificateName(firstName) + "/" + StorageKeys.METADATA;
        try {
            JsonNode meta = JSON.readTree(bytes.get());
            List<String> names = new ArrayList<>();
            meta.path("names").forEach(node -> names.add(node.asText()));
            if (names.isEmpty()) {
                throw new IOException("it lists no names");
            }
            String issuer = meta.path("issuer").asText(null);
            return Optional.of(new StoredMetadata(names, new java.math.BigInteger(meta.path("serial").asText(), 16),
                    issuer == null ? null : issuer.intern(), Instant.parse(meta.path("notBefore").asText()),
                    Instant.parse(meta.path("notAfter").asText()), Instant.parse(meta.path("issuedAt").asText())));
        } catch (IOException | RuntimeException e) { // unreadable JSON, a missing field, a malformed serial or instant
            throw new CorruptDataException(where + " is not the metadata autotls writes (" + e.getMessage() + ")", e);
        }
    }

    /** The three keys one certificate is stored under, read together. */
    List<String> keysOf(String firstName) {
        String name = StorageKeys.certificateName(firstName);
        return List.of(key(name, StorageKeys.PRIVATE_KEY), key(name, StorageKeys.FULL_CHAIN), key(name, StorageKeys.METADATA));
    }

    /**
     * The folder names of the certificates the store holds (one list of the certificates folder), as
     * {@link StorageKeys#certificateName} spells a certificate's first name.
     */
    public List<String> listFolders() throws IOException {
        return store.list(StorageKeys.certificatesFolder(caFolder));
    }

    /** The store it reads and writes. */
    public CertificateStore store() {
        return store;
    }

    /** {@link #load} over bytes already read ({@code found} holds at least this certificate's keys that exist). */
    Optional<StoredCertificate> fromFound(String firstName, java.util.Map<String, byte[]> found) throws CorruptDataException {
        String name = StorageKeys.certificateName(firstName);
        Optional<byte[]> keyBytes = Optional.ofNullable(found.get(key(name, StorageKeys.PRIVATE_KEY)));
        Optional<byte[]> chainBytes = Optional.ofNullable(found.get(key(name, StorageKeys.FULL_CHAIN)));
        Optional<byte[]> metaBytes = Optional.ofNullable(found.get(key(name, StorageKeys.METADATA)));
        if (keyBytes.isEmpty() && chainBytes.isEmpty() && metaBytes.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(decode(caFolder + "/certificates/" + name, keyBytes.orElse(null), chainBytes.orElse(null),
                metaBytes.orElse(null)));
    }

    /**
     * The certificate in the three files' bytes (any may be null when missing), checked as
     * {@link #load} checks it; {@code where} names the certificate's folder in messages. For callers
     * that read the bytes themselves, e.g. several certificates in one snapshot.
     *
     * @throws CorruptDataException if the files are incomplete or do not make one consistent certificate
     */
    static StoredCertificate decode(String where, byte[] keyBytes, byte[] chainBytes, byte[] metaBytes)
            throws CorruptDataException {
        if (keyBytes == null || chainBytes == null || metaBytes == null) {
            throw new CorruptDataException(where + " is incomplete (needs " + StorageKeys.PRIVATE_KEY + ", "
                    + StorageKeys.FULL_CHAIN + " and " + StorageKeys.METADATA + ")");
        }
        KeyPair keyPair = Pem.decodeKeyPair(keyBytes, where + "/" + StorageKeys.PRIVATE_KEY);
        List<X509Certificate> chain = Pem.decodeChain(chainBytes, where + "/" + StorageKeys.FULL_CHAIN);
        if (!Arrays.equals(keyPair.getPublic().getEncoded(), chain.get(0).getPublicKey().getEncoded())) {
            throw new CorruptDataException(where + ": the private key does not belong to the certificate in "
                    + StorageKeys.FULL_CHAIN + " (an interrupted write?)");
        }
        JsonNode meta;
        try {
            meta = JSON.readTree(metaBytes);
        } catch (IOException e) {
            throw new CorruptDataException(where + "/" + StorageKeys.METADATA + " is not valid JSON", e);
        }
        String serial = chain.get(0).getSerialNumber().toString(16);
        if (meta == null || !serial.equals(meta.path("serial").asText())) {
            throw new CorruptDataException(where + "/" + StorageKeys.METADATA + " describes another certificate than "
                    + StorageKeys.FULL_CHAIN + " (serial " + serial + ")");
        }
        List<String> names = new ArrayList<>();
        meta.path("names").forEach(node -> names.add(node.asText()));
        if (names.isEmpty()) {
            throw new CorruptDataException(where + "/" + StorageKeys.METADATA + " lists no names");
        }
        Instant issuedAt;
        try {
            issuedAt = Instant.parse(meta.path("issuedAt").asText());
        } catch (DateTimeParseException e) {
            throw new CorruptDataException(where + "/" + StorageKeys.METADATA + " has no valid issuedAt", e);
        }
        return new StoredCertificate(names, keyPair, chain, issuedAt);
    }


    private String key(String certificateName, String file) {
        return StorageKeys.certificate(caFolder, certificateName, file);
    }
}
