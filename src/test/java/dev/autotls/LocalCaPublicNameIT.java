package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.Await;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.Ports;
import dev.autotls.testing.ServeProcess;
import dev.autotls.testing.TlsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 23 (c): a public name never gets a local certificate. One configuration with a local and a
 * public certificate: the public one is ordered from the configured ACME CA (Pebble), the local one
 * comes from the built-in local CA, which no ACME CA could validate. (That {@code autotls.ca=local}
 * with a public name is refused at start is in {@link LocalCaIT}; that with no CA set a public name
 * goes to the default CA, in {@code LocalCaSettingsTest}.)
 */
class LocalCaPublicNameIT {

    private static String issuer(int port, String name) {
        try {
            X509Certificate leaf = TlsClient.inspecting().leaf(port, name);
            return leaf.getIssuerX500Principal().getName();
        } catch (Exception notYet) {
            return "";
        }
    }

    @Test
    void thePublicNameGoesToTheAcmeCaAndOnlyLocalhostToTheLocalCa() throws Exception {
        Path work = Path.of("target", "local-ca-public-it", Long.toString(System.nanoTime())).toAbsolutePath();
        Files.createDirectories(work);
        try (Pebble pebble = Pebble.startAlwaysValid("sid")) {
            int httpsPort = Ports.free();
            Map<String, String> settings = Map.of("domains", "localhost,www.example.com", "ca", pebble.directory().toString(),
                    "ca.trust", pebble.listenerTrust().toString(), "storage", work.resolve("storage").toString(),
                    "challenge", "http-01", "http.port", Integer.toString(Ports.free()), "agree-tos", "true");
            try (ServeProcess serve = ServeProcess.start(settings, httpsPort, work.resolve("serve.log"))) {
                Await.until("both certificates from their CAs", Duration.ofSeconds(90), () -> {
                    serve.requireAlive();
                    return issuer(httpsPort, "localhost").contains("autotls local CA")
                            && issuer(httpsPort, "www.example.com").contains("Pebble");
                });
                assertThat(issuer(httpsPort, "www.example.com")).doesNotContain("autotls");
                TlsClient trustingPebble = TlsClient.trusting(pebble.roots());
                assertThat(trustingPebble.leaf(httpsPort, "www.example.com")).isNotNull(); // chains to Pebble's root
                assertThat(pebble.orders()).as("one ACME order: the public name's").isEqualTo(1);
                assertThat(serve.log()).contains("localhost: issued by the built-in local CA, no challenge: no ACME CA can "
                        + "validate localhost");
            }
        }
    }
}
