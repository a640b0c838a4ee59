package dev.autotls.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.internal.tls.CertifiedKey;
import dev.autotls.internal.tls.KeyType;
import dev.autotls.internal.tls.SelfSignedCertificates;
import dev.autotls.spi.CertificateStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCertificateStoreTest {
    @TempDir
    Path root;

    @Test
    void missingKeyIsEmptyNotAnError() throws Exception {
        FileCertificateStore store = new FileCertificateStore(root.resolve("s"));
        assertThat(store.load("ca/account/account.json")).isEmpty();
        assertThat(store.list("ca/certificates")).isEmpty();
    }

    @Test
    void saveReplacesAtomicallyAndLeavesNoTemporaryFiles() throws Exception {
        FileCertificateStore store = new FileCertificateStore(root);
        store.save("ca/x/data.json", "first".getBytes(StandardCharsets.UTF_8), CertificateStore.Sensitivity.PUBLIC);
        store.save("ca/x/data.json", "second".getBytes(StandardCharsets.UTF_8), CertificateStore.Sensitivity.PUBLIC);
        assertThat(store.load("ca/x/data.json")).hasValueSatisfying(b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("second"));
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith(".tmp-"));
        }
    }

    @Test
    void listIgnoresLeftoverTemporaryFilesFromACrash() throws Exception {
        FileCertificateStore store = new FileCertificateStore(root);
        store.save("ca/certificates/a.test/meta.json", new byte[] {1}, CertificateStore.Sensitivity.PUBLIC);
        Files.write(root.resolve("ca/certificates/.tmp-meta.json-crashed"), new byte[] {2});
        assertThat(store.list("ca/certificates")).containsExactly("a.test");
    }

    @Test
    void secretsAre0600AndFolders0700() throws Exception {
        FileCertificateStore store = new FileCertificateStore(root.resolve("store"));
        store.save("ca/account/account-key.pem", new byte[] {1}, CertificateStore.Sensitivity.SECRET);
        store.save("ca/account/account.json", new byte[] {1}, CertificateStore.Sensitivity.PUBLIC);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("store/ca/account/account-key.pem"))))
                .isEqualTo("rw-------");
        for (String folder : List.of("store", "store/ca", "store/ca/account")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve(folder)))).isEqualTo("rwx------");
        }
    }

    @Test
    void rejectsKeysThatLeaveTheFolder() throws Exception {
        FileCertificateStore store = new FileCertificateStore(root);
        assertThatThrownBy(() -> store.load("../etc/passwd")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("..");
        assertThatThrownBy(() -> store.load("/etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void certificateRoundTripsAndMismatchedKeyIsReportedAsCorrupt() throws Exception {
        FileCertificateStore store = new FileCertificateStore(root);
        CertificateFiles files = new CertificateFiles(store, "ca");
        StoredCertificate stored = storedCertificate("a.test");
        files.save(stored);
        StoredCertificate loaded = files.load("a.test").orElseThrow();
        assertThat(loaded.leaf()).isEqualTo(stored.leaf());
        assertThat(loaded.keyPair().getPrivate()).isEqualTo(stored.keyPair().getPrivate());
        assertThat(loaded.names()).containsExactly("a.test");

        // a crash between the key and the chain: a new key beside the old chain
        store.save(StorageKeys.certificate("ca", "a.test", StorageKeys.PRIVATE_KEY), Pem.encodeKeyPair(KeyType.EC256.generate()),
                CertificateStore.Sensitivity.SECRET);
        assertThatThrownBy(() -> files.load("a.test")).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("does not belong to the certificate");
    }

    @Test
    void truncatedOrMissingFilesAreReportedAsCorrupt() throws Exception {
        FileCertificateStore store = new FileCertificateStore(root);
        CertificateFiles files = new CertificateFiles(store, "ca");
        files.save(storedCertificate("b.test"));
        Path chain = root.resolve("ca/certificates/b.test/fullchain.pem");
        byte[] bytes = Files.readAllBytes(chain);
        Files.write(chain, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> files.load("b.test")).isInstanceOf(CorruptDataException.class).hasMessageContaining("fullchain.pem");

        Files.delete(chain);
        assertThatThrownBy(() -> files.load("b.test")).isInstanceOf(CorruptDataException.class).hasMessageContaining("incomplete");
    }

    private static StoredCertificate storedCertificate(String name) {
        CertifiedKey key = SelfSignedCertificates.create(List.of(name), Clock.systemUTC());
        KeyPair pair = new KeyPair(key.leaf().getPublicKey(), key.privateKey());
        return new StoredCertificate(List.of(name), pair, List.of(key.chain()), Instant.now());
    }
}
