package dev.autotls.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.tls.KeyType;
import dev.autotls.spi.CertificateStore;
import dev.autotls.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredCertificatesTest {
    private static final String CA = "ca-test";

    @TempDir
    Path root;

    @Test
    void loadsEveryCertificateAcrossChunksAndKeepsAFaultToItsOwnName() throws Exception {
        FileCertificateStore store = new FileCertificateStore(root);
        CertificateFiles files = new CertificateFiles(store, CA);
        KeyPair key = KeyType.EC256.generate(); // one key for all: generating them is not what is tested
        List<String> names = new ArrayList<>();
        int count = StoredCertificates.CHUNK * 2 + 7; // three chunks, so the parallel path runs
        for (int i = 0; i < count; i++) {
            String name = "n" + i + ".example.test";
            names.add(name);
            files.save(new StoredCertificate(List.of(name), key,
                    List.of(TestCertificates.selfSigned(List.of(name), key, Instant.now().plus(Duration.ofDays(30)))), Instant.now()));
        }
        String broken = names.get(StoredCertificates.CHUNK + 3);
        store.save(files.keysOf(broken).get(1), "not a chain".getBytes(StandardCharsets.US_ASCII), CertificateStore.Sensitivity.PUBLIC);
        names.add("never-stored.example.test");

        Map<String, StoredCertificates.Loaded> loaded = StoredCertificates.load(files, names);

        assertThat(loaded).hasSize(count + 1);
        assertThat(loaded.get(broken).failure()).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining(StorageKeys.FULL_CHAIN);
        assertThat(loaded.get("never-stored.example.test").failure()).isNull();
        assertThat(loaded.get("never-stored.example.test").certificate()).isEmpty();
        for (String name : names.subList(0, count)) {
            if (!name.equals(broken)) {
                StoredCertificate certificate = loaded.get(name).certificate().orElseThrow();
                assertThat(certificate.names()).containsExactly(name);
                assertThat(certificate.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=" + name);
                assertThat(certificate.keyPair().getPrivate().getEncoded()).isEqualTo(key.getPrivate().getEncoded());
            }
        }
    }

    @Test
    void theQuickPemPathReadsWhatTheGeneralParserReads() throws Exception {
        for (KeyType type : List.of(KeyType.EC256, KeyType.RSA2048)) {
            KeyPair pair = type.generate();
            KeyPair read = Pem.decodeKeyPair(Pem.encodeKeyPair(pair), "test key");
            assertThat(read.getPrivate().getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
            assertThat(read.getPublic().getEncoded()).isEqualTo(pair.getPublic().getEncoded());
        }
        // text between blocks is not the plain shape: the general parser still reads it
        KeyPair pair = KeyType.EC256.generate();
        byte[] commented = ("written by hand\n" + new String(Pem.encodeKeyPair(pair), StandardCharsets.US_ASCII))
                .getBytes(StandardCharsets.US_ASCII);
        assertThat(Pem.decodeKeyPair(commented, "test key").getPrivate().getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
    }
}
