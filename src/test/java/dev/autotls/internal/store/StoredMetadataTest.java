package dev.autotls.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.internal.tls.KeyType;
import dev.autotls.spi.CertificateStore;
import dev.autotls.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metadata read alone says what the full read of the certificate says, and refuses what it did not write. */
class StoredMetadataTest {
    @TempDir
    Path root;

    @Test
    void theMetadataAloneDescribesTheStoredCertificate() throws Exception {
        CertificateFiles files = new CertificateFiles(new FileCertificateStore(root), "ca-test");
        KeyPair key = KeyType.EC256.generate();
        List<String> names = List.of("meta.test", "*.meta.test");
        StoredCertificate saved = new StoredCertificate(names, key,
                List.of(TestCertificates.selfSigned(names, key, Instant.now().plus(Duration.ofDays(30)))), Instant.now());
        files.save(saved);

        StoredMetadata metadata = files.loadMetadata("meta.test").orElseThrow();

        assertThat(metadata.names()).isEqualTo(names);
        assertThat(metadata.serial()).isEqualTo(saved.leaf().getSerialNumber());
        assertThat(metadata.issuer()).isEqualTo(saved.leaf().getIssuerX500Principal().getName());
        assertThat(metadata.notBefore()).isEqualTo(saved.notBefore());
        assertThat(metadata.notAfter()).isEqualTo(saved.notAfter());
        assertThat(metadata.issuedAt()).isEqualTo(saved.issuedAt());
        assertThat(files.loadMetadata("never.test")).isEmpty();
    }

    @Test
    void metadataItDidNotWriteIsCorrupt() throws Exception {
        FileCertificateStore store = new FileCertificateStore(root);
        CertificateFiles files = new CertificateFiles(store, "ca-test");
        store.save(files.versionKey("odd.test"), "{\"names\":[\"odd.test\"],\"serial\":\"zz\"}".getBytes(StandardCharsets.UTF_8),
                CertificateStore.Sensitivity.PUBLIC);

        assertThatThrownBy(() -> files.loadMetadata("odd.test")).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("ca-test/certificates/odd.test/meta.json");
    }
}
