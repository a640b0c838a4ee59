package dev.autotls.internal.acmedns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.Await;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.Ports;
import dev.autotls.testing.StandaloneResponder;
import dev.autotls.testing.TlsClient;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3 (3): {@code [api] tls = "letsencrypt"} gets the API's own certificate through this
 * library, validated by dns-01 answered from the responder's own zone. Pebble stands in for
 * Let's Encrypt through -Dautotls.ca, and asks the responder's DNS directly.
 */
class ApiCertificateIT {

    @Test
    void letsencryptModeServesTheApiWithACertificateValidatedThroughItsOwnZone(@TempDir Path dir) throws Exception {
        int dnsPort = Ports.free();
        try (Pebble pebble = Pebble.startWithDns("sid", Ports.free(), dnsPort)) {
            StandaloneResponder responder = new StandaloneResponder(dir, "auth.test", "letsencrypt", List.of(
                    "-Dautotls.ca=" + pebble.directory(), "-Dautotls.ca.trust=" + pebble.listenerTrust()), dnsPort);
            try (StandaloneResponder running = responder.start()) {
                TlsClient client = TlsClient.trusting(pebble.roots());
                AtomicReference<TlsClient.Page> health = new AtomicReference<>();
                Await.until("the API to serve a Pebble certificate for auth.test", Duration.ofSeconds(60), () -> {
                    try {
                        health.set(client.get(running.apiPort, "auth.test", "/health"));
                        return true;
                    } catch (Exception stillSelfSigned) {
                        return false;
                    }
                });
                assertThat(health.get().status()).isEqualTo(200);
                X509Certificate served = health.get().certificate();
                assertThat(served.getIssuerX500Principal().getName()).contains("Pebble");
                assertThat(running.log()).contains("Proving control of auth.test with dns-01");
            }
        }
    }
}
