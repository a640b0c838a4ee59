package dev.autotls.store;

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
 * <p>A certificate is three files written in the order key, chain, metadata. Each write is
 * atomic, but a crash between them can leave a new key beside an old chain; loading
 * therefore checks that the key pair is the leaf's and that all three agree, and reports
 * anything else as {@link CorruptDataException}, so it is never served and gets re-ordered.
 */
public final class CertificateFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CertificateStore store;
    private final String caFolder;

    public CertificateFiles(CertificateStore store, String caFolder) {
        this.store = store;
        this.caFolder = caFolder;
    }

    public void save(StoredCertificate certificate) throws IOException {
        String name = StorageKeys.certificateName(certificate.names().get(0));
        ObjectNode meta = JSON.createObjectNode();
        meta.putPOJO("names", certificate.names());
        meta.put("issuedAt", certificate.issuedAt().toString());
        meta.put("notBefore", certificate.notBefore().toString());
        meta.put("notAfter", certificate.notAfter().toString());
        meta.put("serial", certificate.leaf().getSerialNumber().toString(16));
        store.save(key(name, StorageKeys.PRIVATE_KEY), Pem.encodeKeyPair(certificate.keyPair()), CertificateStore.Sensitivity.SECRET);
        store.save(key(name, StorageKeys.FULL_CHAIN), Pem.encodeChain(certificate.chain()), CertificateStore.Sensitivity.PUBLIC);
        store.save(key(name, StorageKeys.METADATA), JSON.writeValueAsBytes(meta), CertificateStore.Sensitivity.PUBLIC);
    }

    /**
     * The certificate stored for the certificate whose first name is {@code firstName};
     * empty if none was ever stored.
     *
     * @throws CorruptDataException if something is stored but is not a usable, consistent certificate
     */
    public Optional<StoredCertificate> load(String firstName) throws IOException {
        String name = StorageKeys.certificateName(firstName);
        Optional<byte[]> keyBytes = store.load(key(name, StorageKeys.PRIVATE_KEY));
        Optional<byte[]> chainBytes = store.load(key(name, StorageKeys.FULL_CHAIN));
        Optional<byte[]> metaBytes = store.load(key(name, StorageKeys.METADATA));
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
