package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.Await;
import dev.autotls.testing.AutotlsJar;
import dev.autotls.testing.Ports;
import dev.autotls.testing.Postgres;
import dev.autotls.testing.ServeProcess;
import dev.autotls.testing.TlsClient;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 23 (b): three {@code serve} processes started together on one PostgreSQL store with
 * {@code autotls.ca=local} make one root between them (its creation races under the store's lease)
 * and serve certificates that all chain to it; its keys are sealed with {@code autotls.storage.key}.
 */
class LocalCaClusterIT {

    @Test
    void threeInstancesOnOneDatabaseServeCertificatesFromOneRoot() throws Exception {
        Path work = Path.of("target", "local-ca-cluster-it", Long.toString(System.nanoTime())).toAbsolutePath();
        Files.createDirectories(work.resolve("home"));
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        String storageKey = Base64.getEncoder().encodeToString(key);
        try (Postgres postgres = Postgres.start()) {
            Map<String, String> settings = Map.of("domains", "localhost,app.test", "ca", "local", "storage", postgres.url(),
                    "storage.key", storageKey, "http.port", "off", "storage.sync-interval", "1s");
            List<ServeProcess> instances = new ArrayList<>();
            List<Integer> ports = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    int port = Ports.free();
                    ports.add(port);
                    instances.add(ServeProcess.start(settings, port, work.resolve("instance-" + i + ".log")));
                }
                for (int i = 0; i < 3; i++) {
                    ServeProcess instance = instances.get(i);
                    int port = ports.get(i);
                    Await.until("instance " + i + " to serve certificates of the local CA", Duration.ofSeconds(90), () -> {
                        instance.requireAlive();
                        return fromLocalCa(port, "localhost") && fromLocalCa(port, "app.test");
                    });
                }
                X509Certificate root = exportRoot(work, postgres.url(), storageKey);
                TlsClient trustingRoot = TlsClient.trusting(List.of(root));
                for (int port : ports) {
                    assertThat(trustingRoot.get(port, "localhost", "/").body()).contains("Hello from autotls");
                    assertThat(trustingRoot.leaf(port, "app.test").getSubjectAlternativeNames().toString()).contains("app.test");
                }
                assertThat(rootsStored(postgres)).as("one root in the store").isEqualTo(1);
                assertThat(instances).allSatisfy(instance -> assertThat(instance.log())
                        .doesNotContain("unencrypted").doesNotContain("Exception"));
                assertThat(instances.stream().filter(instance -> instance.log().contains("Made the local CA's root")).count())
                        .as("exactly one instance made the root").isEqualTo(1);
            } finally {
                instances.forEach(ServeProcess::close);
            }
        }
    }

    /** How many root certificates the store holds, and that its keys are sealed (no PEM in the table). */
    private static int rootsStored(Postgres postgres) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/"
                + Postgres.DATABASE, Postgres.USER, Postgres.PASSWORD); Statement statement = connection.createStatement()) {
            try (ResultSet keys = statement.executeQuery("SELECT data FROM autotls_items WHERE key LIKE 'local/ca/%-key.pem'")) {
                while (keys.next()) {
                    assertThat(new String(keys.getBytes(1), java.nio.charset.StandardCharsets.ISO_8859_1))
                            .as("a sealed key").doesNotContain("PRIVATE KEY");
                }
            }
            try (ResultSet roots = statement.executeQuery("SELECT count(*) FROM autotls_items WHERE key = 'local/ca/root.pem'")) {
                roots.next();
                return roots.getInt(1);
            }
        }
    }

    private static boolean fromLocalCa(int port, String name) {
        try {
            return TlsClient.inspecting().leaf(port, name).getIssuerX500Principal().getName().contains("autotls local CA");
        } catch (Exception notYet) {
            return false;
        }
    }

    /** export-root against the database, with its storage key, after the instances made the root. */
    private static X509Certificate exportRoot(Path work, String url, String storageKey) throws Exception {
        AutotlsJar.Result result = AutotlsJar.run(work.resolve("home"), List.of("export-root", "--storage=" + url,
                "--storage.key=" + storageKey));
        assertThat(result.exitCode()).as(result.err()).isZero();
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(result.out().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }
}
