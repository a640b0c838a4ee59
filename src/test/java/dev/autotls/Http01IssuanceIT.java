package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.Await;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.Ports;
import dev.autotls.testing.Site;
import dev.autotls.testing.TlsClient;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 2 (a) and (f): http-01 end to end against Pebble 2.10 (with ARI) and Pebble 2.4 (without). */
class Http01IssuanceIT {

    @ParameterizedTest(name = "Pebble from Debian {0}")
    @ValueSource(strings = {"sid", "bookworm"})
    void obtainsCertificateThroughHttp01AndServesItWithoutRestart(String release, @TempDir Path storage) throws Exception {
        int httpPort = Ports.free();
        List<CertificateEvent> obtained = new CopyOnWriteArrayList<>();
        try (Pebble pebble = Pebble.startRejectingNonces(release, httpPort)) { // and the client copes with bad nonces
            long readinessReads = pebble.requests("GET", "/dir"); // Pebble.start's own check, before autotls starts
            try (Site site = Site.start(AutoTls.builder().ignoreSystemSettings()
                    .domains("h.test", "www.h.test")
                    .ca(pebble.directory().toString()).caTrust(pebble.listenerTrust())
                    .storage(storage).challenge("http-01")
                    .httpPort(httpPort).httpsPort(0).agreeToTermsOfService(true)
                    .listener(new AutoTlsListener() {
                        @Override
                        public void onObtained(CertificateEvent event) {
                            obtained.add(event);
                        }
                    }))) {
                Await.until("certificates for h.test and www.h.test", Duration.ofSeconds(60), () -> obtained.size() == 2);

                TlsClient client = TlsClient.trusting(pebble.roots());
                for (String name : List.of("h.test", "www.h.test")) {
                    TlsClient.Page page = client.get(site.httpsPort(), name, "/");
                    assertThat(page.status()).isEqualTo(200);
                    assertThat(page.body()).isEqualTo("Hello " + name);
                    X509Certificate served = page.certificate();
                    assertThat(served.getIssuerX500Principal().getName()).contains("Pebble");
                    assertThat(served.getSubjectAlternativeNames()).anySatisfy(san -> assertThat(san.get(1)).isEqualTo(name));
                }
                assertThat(site.server.isStarted()).as("the server was never restarted").isTrue();
                // CAs send the directory with max-age=0, and acme4j alone re-read it before nearly every
                // request (five times per order); autotls keeps it. So across several orders it reads the
                // directory fewer times than it orders, and at least once (else the count saw nothing).
                long issued = pebble.issued(); // each certificate its own order; unlike order requests, never retried
                long directoryReads = pebble.requests("GET", "/dir") - readinessReads;
                System.out.printf("Pebble (%s): %d certificates issued, %d directory reads by autotls%n",
                        release, issued, directoryReads);
                assertThat(issued).as("certificates Pebble issued").isGreaterThanOrEqualTo(2);
                assertThat(directoryReads).as("reads of the CA's directory by autotls, for %d orders", issued)
                        .isPositive().isLessThan(issued);
            }
        }
    }
}
