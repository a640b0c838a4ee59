package dev.autotls.internal.acmedns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autotls.testing.Knot;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.Peers;
import dev.autotls.testing.Ports;
import dev.autotls.testing.StandaloneResponder;
import dev.autotls.testing.TestCertificates;
import dev.autotls.testing.Unbound;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3 (b): acme.sh's own acme-dns client (dnsapi/dns_acmedns.sh, Debian's acme.sh)
 * obtains a certificate for a name and its wildcard from Pebble 2.10 through the standalone
 * responder, with Pebble resolving through unbound as on the internet.
 */
class AcmeShClientIT {

    @Test
    void acmeShObtainsACertificateThroughTheStandaloneResponder(@TempDir Path dir) throws Exception {
        try (StandaloneResponder responder = new StandaloneResponder(dir.resolve("responder"), "auth.test").start()) {
            HttpResponse<String> registered = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(responder.url() + "/register")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode account = new com.fasterxml.jackson.databind.ObjectMapper().readTree(registered.body());
            String zone = "$ORIGIN acmesh.test.\n$TTL 1\n@ SOA ns.invalid. hostmaster.acmesh.test. 1 3600 600 86400 1\n"
                    + "@ NS ns.invalid.\n_acme-challenge CNAME " + account.get("fulldomain").asText() + ".\n";
            try (Knot knot = Knot.start(dir.resolve("knot"), Map.of("acmesh.test", zone));
                 Unbound unbound = Unbound.start(dir.resolve("unbound"),
                         Map.of("acmesh.test", knot.port, "auth.test", responder.dnsPort));
                 Pebble pebble = Pebble.startWithDns("sid", Ports.free(), unbound.port())) {
                Path home = dir.resolve("acme.sh");
                ProcessBuilder acmeSh = new ProcessBuilder("sh", Peers.root().resolve("sid/usr/share/acme.sh/acme.sh").toString(),
                        "--issue", "--dns", "dns_acmedns", "-d", "acmesh.test", "-d", "*.acmesh.test",
                        "--server", pebble.directory().toString(), "--ca-bundle", pebble.listenerTrust().toString(),
                        "--home", home.toString(), "--config-home", home.toString(), "--dnssleep", "1",
                        "--keylength", "ec-256", "--no-color")
                        .redirectErrorStream(true).redirectOutput(dir.resolve("acme.sh.log").toFile());
                acmeSh.environment().putAll(Map.of("ACMEDNS_BASE_URL", responder.url(),
                        "ACMEDNS_USERNAME", account.get("username").asText(),
                        "ACMEDNS_PASSWORD", account.get("password").asText(),
                        "ACMEDNS_SUBDOMAIN", account.get("subdomain").asText()));
                Process process = acmeSh.start();
                boolean finished = process.waitFor(180, TimeUnit.SECONDS);
                String log = Files.readString(dir.resolve("acme.sh.log"));
                if (!finished) {
                    process.destroyForcibly();
                }
                assertThat(finished).as("acme.sh finished within 180 s:\n%s", log).isTrue();
                assertThat(process.exitValue()).as("acme.sh exit code; its log:\n%s\nresponder log:\n%s", log, responder.log())
                        .isZero();
                Path certificate = home.resolve("acmesh.test_ecc/acmesh.test.cer");
                X509Certificate leaf = TestCertificates.parse(Files.readAllBytes(certificate)).get(0);
                assertThat(leaf.getIssuerX500Principal().getName()).contains("Pebble");
                assertThat(leaf.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))).toList())
                        .containsExactlyInAnyOrder("acmesh.test", "*.acmesh.test");
                assertThat(pebble.orders()).isEqualTo(1);
            }
        }
    }
}
