package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.Await;
import dev.autotls.testing.AutotlsJar;
import dev.autotls.testing.Ports;
import dev.autotls.testing.Postgres;
import dev.autotls.testing.ServeProcess;
import dev.autotls.testing.TlsClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Issue 23 (b): three {@code serve} processes started together on one PostgreSQL store with
 * {@code autotls.ca=local} make one root between them (its creation races under the store's lease)
 * and serve certificates that all chain to it; the one key it keeps (the intermediate's) is sealed
 * with {@code autotls.storage.key}.
 */
class LocalCaClusterIT {

    @Test
    void threeInstancesOnOneDatabaseServeCertificatesFromOneRoot() throws Exception {
        Path work = Path.of("target", "local-ca-cluster-it", Long.toString(System.nanoTime())).toAbsolutePath();
        Files.createDirectories(work.resolve("home"));
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
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
                requireOnlyTheIntermediateKeySealed(postgres);
                assertThat(instances).allSatisfy(instance -> assertThat(instance.log())
                        .doesNotContain("unencrypted").doesNotContain("Exception"));
                List<String> made = instances.stream().flatMap(instance -> instance.log().lines())
                        .filter(line -> line.contains("Made the local CA's root")).toList();
                assertThat(made).as("exactly one instance made the root").hasSize(1);
                assertThat(made.get(0)).as("and it is the root the store holds and every instance serves under")
                        .contains("SHA-256 " + fingerprint(root) + ")");
            } finally {
                instances.forEach(ServeProcess::close);
            }
        }
    }

    /**
     * The local CA's rows are exactly the root, the intermediate and the intermediate's key (no root
     * key: it is never kept), and the key is a secret sealed with the storage key (no PEM in the row).
     */
    private static void requireOnlyTheIntermediateKeySealed(Postgres postgres) throws Exception {
        Map<String, String> rows = new TreeMap<>();
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/"
                + Postgres.DATABASE, Postgres.USER, Postgres.PASSWORD); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT key, secret, sealed, data FROM autotls_items "
                     + "WHERE key LIKE 'local/ca/%'")) {
            while (row.next()) {
                String data = new String(row.getBytes(4), StandardCharsets.ISO_8859_1);
                rows.put(row.getString(1), "secret=" + row.getBoolean(2) + " sealed=" + row.getBoolean(3)
                        + " pem=" + data.contains("-----BEGIN"));
            }
        }
        assertThat(rows).containsExactlyEntriesOf(new TreeMap<>(Map.of(
                "local/ca/intermediate-key.pem", "secret=true sealed=true pem=false",
                "local/ca/intermediate.pem", "secret=false sealed=false pem=true",
                "local/ca/root.pem", "secret=false sealed=false pem=true")));
    }

    private static String fingerprint(X509Certificate certificate) throws Exception {
        return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
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
                .generateCertificate(new ByteArrayInputStream(result.out().getBytes(StandardCharsets.US_ASCII)));
    }
}
