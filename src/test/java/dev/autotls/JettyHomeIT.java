package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.Await;
import dev.autotls.testing.JettyHome;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.Ports;
import dev.autotls.testing.TlsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 (c): the module zip in a real jetty-home 12.1 from Maven Central. A jetty-base made
 * with {@code --add-modules=autotls}, started with {@code java -jar start.jar} and the settings
 * as Jetty properties, gets a Pebble certificate through http-01 on Jetty's own http connector
 * and serves it on Jetty's own https connector.
 */
class JettyHomeIT {

    @Test
    void addModulesAutotlsServesACertificateFromTheCa(@TempDir Path folder) throws Exception {
        Path base = folder.resolve("base");
        String added = JettyHome.prepareBase(base);
        assertThat(added).contains("autotls").contains("https").contains("http2");
        String ini = Files.readString(base.resolve("start.d/autotls.ini"));
        for (Setting setting : Setting.values()) {
            assertThat(ini).as("start.d/autotls.ini").contains("\n# " + setting.key() + "=");
        }

        int httpPort = Ports.free();
        int sslPort = Ports.free();
        try (Pebble pebble = Pebble.start("sid", httpPort);
             JettyHome jetty = JettyHome.start(base, Map.of(
                     "autotls.domains", "jh.test",
                     "autotls.ca", pebble.directory().toString(),
                     "autotls.ca.trust", pebble.listenerTrust().toString(),
                     "autotls.challenge", "http-01",
                     "autotls.agree-tos", "true",
                     "autotls.storage", folder.resolve("storage").toString(),
                     "jetty.http.port", String.valueOf(httpPort),
                     "jetty.ssl.port", String.valueOf(sslPort)))) {
            TlsClient client = TlsClient.trusting(pebble.roots());
            AtomicReference<X509Certificate> served = new AtomicReference<>();
            Await.until("a Pebble certificate for jh.test on jetty-home's https connector", Duration.ofSeconds(90), () -> {
                jetty.requireAlive();
                try {
                    served.set(client.leaf(sslPort, "jh.test")); // fails the handshake until the CA's certificate is in
                    return true;
                } catch (Exception notYet) {
                    return false;
                }
            });
            assertThat(served.get().getIssuerX500Principal().getName()).contains("Pebble");
            assertThat(served.get().getSubjectAlternativeNames()).anySatisfy(san -> assertThat(san.get(1)).isEqualTo("jh.test"));
            assertThat(client.get(sslPort, "jh.test", "/").status()).as("Jetty's own handlers answer behind autotls's")
                    .isEqualTo(404);
            assertThat(client.handshake(sslPort, "jh.test", "h2", "http/1.1").protocol())
                    .as("the module's HTTPS connector offers HTTP/2 by default").isEqualTo("h2");
            assertThat(client.handshake(sslPort, "jh.test", "http/1.1").protocol()).isEqualTo("http/1.1");
            assertThat(jetty.log()).contains("autotls: HTTPS on port " + sslPort + ", HTTP on port " + httpPort);
        }
    }

    /**
     * Issue 21: the zip carries what a jetty-home user can switch on by a setting (the PostgreSQL
     * store) and nothing else: no Spring, no second servlet API, no Micrometer, nothing of the
     * responder or the command line, and no jar jetty-home brings itself (Jetty, SLF4J).
     */
    @Test
    void moduleZipHoldsOnlyWhatAJettyHomeServerUses() throws Exception {
        Path zip = Path.of(System.getProperty("autotls.jetty.module"));
        List<String> jars = new ArrayList<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            file.stream().map(ZipEntry::getName).filter(name -> name.startsWith("lib/autotls/") && name.endsWith(".jar"))
                    .map(name -> name.substring("lib/autotls/".length())).forEach(jars::add);
        }
        assertThat(jars).as("lib/autotls/ of " + zip).isNotEmpty()
                .noneMatch(jar -> jar.matches("(?i).*(spring|servlet|micrometer|hdrhistogram|latencyutils|commons-logging"
                        + "|sqlite|toml|picocli|jetty|slf4j).*"))
                .anyMatch(jar -> jar.startsWith("autotls-"))
                .anyMatch(jar -> jar.startsWith("postgresql-"))
                .anyMatch(jar -> jar.startsWith("HikariCP-"))
                .anyMatch(jar -> jar.startsWith("crawler-commons-")).anyMatch(jar -> jar.startsWith("commons-io-"));
        long size = Files.size(zip);
        System.out.printf("autotls-jetty-module.zip: %.1f MB, %d jars%n", size / 1e6, jars.size());
        assertThat(size).as("size of " + zip + " in bytes").isLessThanOrEqualTo(18_000_000L);
    }

    @Test
    void refusesAnAutotlsPortThatIsNotJettys(@TempDir Path folder) throws Exception {
        Path base = folder.resolve("base");
        JettyHome.prepareBase(base);
        int sslPort = Ports.free();
        try (JettyHome jetty = JettyHome.start(base, Map.of(
                "autotls.domains", "jh.test",
                "autotls.storage", folder.resolve("storage").toString(),
                "autotls.https.port", "443",
                "jetty.ssl.port", String.valueOf(sslPort),
                "jetty.http.port", String.valueOf(Ports.free())))) {
            Await.until("jetty-home to refuse to start", Duration.ofSeconds(60), () -> !jetty.isAlive());
            assertThat(jetty.exitValue()).isNotZero();
            assertThat(jetty.log()).contains("autotls.https.port = 443 but jetty.ssl.port = " + sslPort
                    + ": with jetty-home the connector listens on jetty.ssl.port, so remove autotls.https.port "
                    + "or give both the same value.");
        }
    }
}
