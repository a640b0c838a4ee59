package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.AskServer;
import dev.autotls.testing.Curl;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.PebbleSites;
import dev.autotls.testing.Ports;
import dev.autotls.testing.Site;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24 (b, and d for names obtained on demand): on demand with an {@code ask} endpoint the test
 * runs itself, a real Pebble validating http-01 (without its validation sleep) and curl as the
 * client, one try per name. Also measures the first on-demand handshake (median of 5).
 */
class OnDemandIT {
    private static final Duration CURL_LIMIT = Duration.ofSeconds(20);

    @Test
    void anAllowedNameIsObtainedDuringItsFirstHandshakeAndARefusedOneFailsWithNoOrder(@TempDir Path storage, @TempDir Path work)
            throws Exception {
        try (AskServer ask = AskServer.start(); Pebble pebble = Pebble.start("sid", Ports.free())) {
            Curl curl = Curl.trusting(pebble.roots(), work);
            try (Site site = Site.start(onDemand(pebble, storage, ask))) {
                List<Long> handshakeMillis = new ArrayList<>();
                List<Long> requestMillis = new ArrayList<>();
                for (int i = 1; i <= 5; i++) {
                    String name = "allowed" + i + ".test";
                    ask.allow(name);
                    long ordersBefore = pebble.orders();
                    long started = System.nanoTime();
                    Curl.Result first = curl.get(name, site.httpsPort(), CURL_LIMIT);
                    requestMillis.add(Duration.ofNanos(System.nanoTime() - started).toMillis());
                    assertThat(first.succeeded()).as("the first handshake for %s, verified against Pebble's root: %s %s", name,
                            first.output(), first.errors()).isTrue();
                    assertThat(first.output()).startsWith("200 ");
                    handshakeMillis.add(first.handshake().toMillis());
                    assertThat(pebble.orders() - ordersBefore).as("orders for %s", name).isEqualTo(1);
                    assertThat(site.autoTls.status()).filteredOn(s -> s.names().contains(name)).singleElement()
                            .satisfies(s -> assertThat(s.origins()).containsEntry(name, CertificateStatus.Origin.ON_DEMAND));
                }
                System.out.printf("first on-demand handshake for an allowed name (Pebble without validation sleep, http-01, "
                                + "ask endpoint on loopback): curl time_appconnect %s ms, median %d ms; whole request %s ms, median %d ms%n",
                        handshakeMillis, median(handshakeMillis), requestMillis, median(requestMillis));

                assertThat(ask.asked()).as("the endpoint saw domain and client")
                        .contains(Map.of("domain", "allowed1.test", "client", "127.0.0.1"));
                assertThat(ask.askedFor("allowed1.test")).as("asked once per name").isEqualTo(1);
                Curl.Result again = curl.get("allowed1.test", site.httpsPort(), CURL_LIMIT);
                assertThat(again.succeeded()).as("a later handshake: %s", again.errors()).isTrue();
                assertThat(ask.askedFor("allowed1.test")).as("a managed name is not asked about again").isEqualTo(1);

                long ordersBeforeRefusal = pebble.orders();
                Curl.Result refused = curl.get("refused.test", site.httpsPort(), CURL_LIMIT);
                assertThat(refused.succeeded()).as("a refused name's handshake fails").isFalse();
                assertThat(refused.exitCode()).as("curl's SSL connect error: %s", refused.errors()).isEqualTo(35);
                // TLS 1.2 chooses the certificate before the ServerHello, so the refusal is a plain handshake_failure alert
                // (TLS 1.3 chooses it after, and the connection ends there without a certificate)
                assertThat(tls12Handshake("refused.test", site.httpsPort())).as("openssl s_client -tls1_2")
                        .contains("alert handshake failure").doesNotContain("BEGIN CERTIFICATE");
                assertThat(ask.askedFor("refused.test")).isEqualTo(1);

                ask.stop();
                Curl.Result unanswered = curl.get("unanswered.test", site.httpsPort(), CURL_LIMIT);
                assertThat(unanswered.succeeded()).as("with the endpoint stopped, a name is refused").isFalse();
                assertThat(pebble.orders()).as("no order for a refused name").isEqualTo(ordersBeforeRefusal);
                assertThat(site.autoTls.managedNames()).containsExactly("allowed1.test", "allowed2.test", "allowed3.test",
                        "allowed4.test", "allowed5.test");
            }

            // d (on demand): a restart manages them again from the store, served with no order and no question asked
            long ordersBeforeRestart = pebble.orders();
            // an endpoint that answers and counts: a question asked after the restart would show here, not fail unseen
            try (AskServer watching = AskServer.start().allowAll(); Site restarted = Site.start(onDemand(pebble, storage, watching))) {
                assertThat(restarted.autoTls.managedNames()).containsExactly("allowed1.test", "allowed2.test", "allowed3.test",
                        "allowed4.test", "allowed5.test");
                assertThat(restarted.autoTls.status()).allSatisfy(s -> assertThat(s.origins().values())
                        .containsOnly(CertificateStatus.Origin.ON_DEMAND));
                for (int i = 1; i <= 5; i++) {
                    Curl.Result served = curl.get("allowed" + i + ".test", restarted.httpsPort(), CURL_LIMIT);
                    assertThat(served.succeeded()).as("allowed%d.test after the restart: %s", i, served.errors()).isTrue();
                }
                assertThat(pebble.orders()).as("no order after the restart").isEqualTo(ordersBeforeRestart);
                assertThat(watching.asked()).as("no question asked after the restart").isEmpty();
            }
        }
    }

    /** What openssl says of a TLS 1.2 handshake sending {@code name} as SNI (the client's view, another process). */
    private static String tls12Handshake(String name, int port) throws Exception {
        Process openssl = new ProcessBuilder("openssl", "s_client", "-tls1_2", "-connect", "127.0.0.1:" + port, "-servername", name,
                "-showcerts").redirectErrorStream(true).start();
        openssl.getOutputStream().close();
        String said = new String(openssl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(openssl.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).as("openssl ended").isTrue();
        return said;
    }

    private static AutoTls.Builder onDemand(Pebble pebble, Path storage, AskServer ask) {
        return PebbleSites.http01(pebble, storage).set(Setting.ON_DEMAND, "true").set(Setting.ON_DEMAND_ASK, ask.url().toString());
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(Long::compare);
        return sorted.get(sorted.size() / 2);
    }
}
