package dev.autotls.internal.store;

import dev.autotls.fuzz.FuzzInput;
import dev.autotls.internal.tls.KeyType;
import dev.autotls.testing.TestCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Fuzz target (scripts/fuzz.sh): a certificate folder written by hand (or half-written, or
 * by an older version) in a {@link FileCertificateStore}, loaded by {@link CertificateFiles#load}.
 * The input's three parts (cut at {@code ----} lines) are {@code privkey.pem},
 * {@code fullchain.pem} and {@code meta.json}; a part that reads {@code @none} is a missing
 * file, {@code @key} and {@code @chain} stand for a matching key pair and certificate made at
 * start, and {@code @serial} in the metadata for that certificate's serial, so the fuzzer
 * reaches the checks behind the key match. The load gives nothing (no file at all), a
 * consistent certificate, or a {@link CorruptDataException} with a message.
 */
public final class CertificateFilesFuzzer {
    private static final String CA = "ca.test";
    private static final String NAME = "a.test";
    private static final KeyPair PAIR = KeyType.EC256.generate();
    private static final X509Certificate LEAF = leaf();
    private static final FileCertificateStore STORE = store();
    private static final CertificateFiles FILES = new CertificateFiles(STORE, CA);

    private CertificateFilesFuzzer() {
    }

    /** Called by Jazzer before the first input: one certificate loaded, so class loading is outside each input's time limit. */
    public static void fuzzerInitialize() throws IOException {
        fuzzerTestOneInput(("@key\n----\n@chain\n----\n"
                + "{\"names\":[\"a.test\"],\"issuedAt\":\"2026-11-01T00:00:00Z\",\"serial\":\"@serial\"}")
                .getBytes(StandardCharsets.US_ASCII));
    }

    public static void fuzzerTestOneInput(byte[] data) throws IOException {
        List<byte[]> parts = FuzzInput.parts(data, 3);
        String[] files = {StorageKeys.PRIVATE_KEY, StorageKeys.FULL_CHAIN, StorageKeys.METADATA};
        boolean anyFile = false;
        for (int i = 0; i < files.length; i++) {
            Path path = STORE.root().resolve(StorageKeys.certificate(CA, StorageKeys.certificateName(NAME), files[i]));
            byte[] content = i < parts.size() ? expand(parts.get(i)) : null;
            if (content == null) {
                Files.deleteIfExists(path);
            } else {
                Files.write(path, content);
                anyFile = true;
            }
        }
        Optional<StoredCertificate> loaded;
        try {
            loaded = FILES.load(NAME);
        } catch (CorruptDataException e) {
            FuzzInput.expected(e);
            return;
        }
        if (loaded.isEmpty() != !anyFile) {
            throw new AssertionError(anyFile ? "files were there but nothing was loaded" : "loaded a certificate from no file");
        }
        if (loaded.isPresent()) {
            StoredCertificate certificate = loaded.get();
            boolean keyMatches = Arrays.equals(certificate.keyPair().getPublic().getEncoded(),
                    certificate.leaf().getPublicKey().getEncoded());
            if (certificate.names().isEmpty() || certificate.issuedAt() == null || !keyMatches) {
                throw new AssertionError("loaded an inconsistent certificate: " + certificate.names());
            }
        }
    }

    private static byte[] expand(byte[] part) {
        String text = new String(part, StandardCharsets.ISO_8859_1);
        switch (text.trim()) {
            case "@none":
                return null;
            case "@key":
                return Pem.encodeKeyPair(PAIR);
            case "@chain":
                return Pem.encodeChain(List.of(LEAF));
            default:
                return text.replace("@serial", LEAF.getSerialNumber().toString(16)).getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    private static X509Certificate leaf() {
        try {
            return TestCertificates.selfSigned(List.of(NAME), PAIR, Instant.now().plus(Duration.ofDays(90)));
        } catch (Exception e) {
            throw new IllegalStateException("no test certificate", e);
        }
    }

    private static FileCertificateStore store() {
        try {
            FileCertificateStore store = new FileCertificateStore(Files.createTempDirectory("store-fuzz"));
            Files.createDirectories(store.root().resolve(StorageKeys.certificateFolder(CA, NAME)));
            return store;
        } catch (IOException e) {
            throw new IllegalStateException("no store folder", e);
        }
    }
}
