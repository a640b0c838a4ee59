package dev.autotls.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.springapp.BundleApp;
import dev.autotls.testing.Await;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.Ports;
import dev.autotls.testing.SpringAppProcess;
import dev.autotls.testing.TlsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 (d): a Spring Boot application on Jetty, started as its own process with only
 * {@code autotls.*} settings, serves a certificate from a real Pebble on {@code server.port},
 * redirects plain HTTP, and its {@code autotls} SslBundle follows a renewal.
 */
class SpringBootIT {
    private static final String NAME = "spring.test";
    /** Under target/, so it outlives the test for whoever reads a failure. */
    private static final Path LOG = Path.of("target", "spring-boot-it-app.log");
    private static final Pattern SERIAL = Pattern.compile("serial=([0-9a-f]+|none);");

    @Test
    void springBootServesPebbleCertificateAndItsSslBundleFollowsRenewal(@TempDir Path folder) throws Exception {
        try (Pebble pebble = Pebble.start("sid", Ports.free())) {
            int https = Ports.free();
            Map<String, String> settings = Map.of(
                    "server.port", String.valueOf(https),
                    "autotls.domains", NAME,
                    "autotls.ca", pebble.directory().toString(),
                    "autotls.ca.trust", pebble.listenerTrust().toString(),
                    "autotls.storage", folder.resolve("storage").toString(),
                    "autotls.challenge", "http-01",
                    "autotls.http.port", String.valueOf(pebble.httpPort),
                    "autotls.agree-tos", "true");
            try (SpringAppProcess app = SpringAppProcess.start(BundleApp.class, settings, LOG)) {
                TlsClient inspecting = TlsClient.inspecting();
                TlsClient trusting = TlsClient.trusting(pebble.roots());
                Await.until("the Spring Boot application to answer over HTTPS on server.port", Duration.ofSeconds(90), () -> {
                    app.requireAlive();
                    try {
                        return inspecting.get(https, NAME, "/hello").status() == 200;
                    } catch (Exception notYet) {
                        return false;
                    }
                });

                Await.until("a certificate from Pebble", Duration.ofSeconds(60), () -> {
                    try {
                        inspecting.get(https, NAME, "/maintenance");
                        trusting.leaf(https, NAME);
                        return true;
                    } catch (Exception notYet) {
                        return false;
                    }
                });
                X509Certificate first = trusting.leaf(https, NAME);
                TlsClient.Page hello = trusting.get(https, NAME, "/hello");
                assertThat(hello.status()).isEqualTo(200);
                assertThat(hello.body()).contains("hello from Spring Boot");
                assertThat(bundleSerial(trusting, https)).as("the autotls SslBundle").isEqualTo(first.getSerialNumber().toString(16));

                HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + pebble.httpPort + "/hello?x=1")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(plain.statusCode()).isEqualTo(308);
                assertThat(plain.headers().firstValue("Location")).hasValue("https://127.0.0.1:" + https + "/hello?x=1");

                Instant[] window = pebble.renewalWindow(first);
                long issuedBefore = pebble.issued();
                inspecting.get(https, NAME, "/maintenance?at=" + window[1].plus(Duration.ofMinutes(1)));
                X509Certificate renewed = trusting.leaf(https, NAME);
                assertThat(renewed.getSerialNumber()).as("served after the renewal").isNotEqualTo(first.getSerialNumber());
                assertThat(pebble.issued()).isEqualTo(issuedBefore + 1);
                assertThat(bundleSerial(trusting, https)).as("the autotls SslBundle after the renewal")
                        .isEqualTo(renewed.getSerialNumber().toString(16));
                app.requireAlive();
            }
        }
    }

    private static String bundleSerial(TlsClient client, int port) throws Exception {
        String body = client.get(port, NAME, "/bundle-serial").body();
        Matcher matcher = SERIAL.matcher(body);
        assertThat(matcher.find()).as("a serial in " + body).isTrue();
        return matcher.group(1);
    }
}
