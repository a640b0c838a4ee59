package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autotls.testing.Await;
import dev.autotls.testing.FaultyCa;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.PebbleSites;
import dev.autotls.testing.Ports;
import dev.autotls.testing.Site;
import dev.autotls.testing.TlsClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24 (e): IP address certificates (RFC 8738) from a real Pebble 2.10 that validates
 * http-01 by connecting to the address itself and lists ACME profiles with their own lifetimes.
 * No profile is set, so an address is ordered under {@code shortlived} and a domain name's order
 * names none (checked on the requests, through a front that relays them). Clients send no SNI for an address; {@link TlsClient#leafWithoutSni} connects as
 * they do and checks the certificate against the address (its iPAddress SAN).
 */
class IpAddressCertificateIT {
    private static final Duration DEFAULT = Duration.ofDays(90);
    private static final Duration SHORTLIVED = Duration.ofHours(160);

    private static Map<String, Duration> profiles() {
        Map<String, Duration> profiles = new LinkedHashMap<>();
        profiles.put("default", DEFAULT);
        profiles.put("shortlived", SHORTLIVED);
        profiles.put("tlsserver", Duration.ofDays(45));
        return profiles;
    }

    @Test
    void anAddressGetsAShortlivedCertificateByHttp01ServedWithoutSni(@TempDir Path storage) throws Exception {
        int httpPort = Ports.free();
        Set<String> obtained = ConcurrentHashMap.newKeySet();
        try (Pebble pebble = Pebble.startValidatingWithProfiles(httpPort, Ports.free(), profiles());
             FaultyCa front = FaultyCa.in(pebble); // passes everything on, and keeps what autotls asked for
             Site site = Site.start(PebbleSites.http01(pebble, storage, "127.0.0.1", "dns.test")
                     .ca(front.directory().toString()).listener(recording(obtained)))) {
            Await.until("certificates for 127.0.0.1 and dns.test", Duration.ofSeconds(60), () -> obtained.size() == 2);
            TlsClient client = TlsClient.trusting(pebble.roots());

            X509Certificate address = client.leafWithoutSni("127.0.0.1", site.httpsPort());
            assertThat(address.getIssuerX500Principal().getName()).as("from Pebble").contains("Pebble");
            assertThat(address.getSubjectAlternativeNames()).as("one iPAddress SAN, no dNSName")
                    .containsExactly(List.of(7, "127.0.0.1"));
            assertThat(lifetime(address)).as("ordered under shortlived, as no profile was set")
                    .isBetween(SHORTLIVED.minusMinutes(1), SHORTLIVED.plusSeconds(1));
            assertThat(site.autoTls.servedCertificate("127.0.0.1")).contains(address);

            // Pebble gives an order that names no profile one of its own choosing (and reports that one on the
            // order), so neither the lifetime nor the order resource proves what was asked: the request does
            List<JsonNode> orders = newOrders(front);
            assertThat(orderFor(orders, "ip", "127.0.0.1").path("profile").asText()).isEqualTo("shortlived");
            assertThat(orderFor(orders, "dns", "dns.test").has("profile")).as("a domain name's order names no profile")
                    .isFalse();

            X509Certificate domain = client.leaf(site.httpsPort(), "dns.test");
            assertThat(domain.getSubjectAlternativeNames()).as("SNI still picks the domain's certificate")
                    .containsExactly(List.of(2, "dns.test"));
            assertThat(site.autoTls.status()).noneMatch(CertificateStatus::ownerActionNeeded);
        }
    }

    /**
     * tls-alpn-01 for an address (RFC 8738 section 6): Pebble connects to 127.0.0.1 with the SNI
     * 1.0.0.127.in-addr.arpa and wants a validation certificate whose one SAN is the address.
     */
    @Test
    void anAddressIsValidatedByTlsAlpnThroughItsReverseName(@TempDir Path storage) throws Exception {
        int httpsPort = Ports.free();
        List<CertificateEvent> obtained = new java.util.concurrent.CopyOnWriteArrayList<>();
        // no HTTP connector, and Pebble's http-01 port is one nothing listens on: only tls-alpn-01 can pass
        try (Pebble pebble = Pebble.startValidatingWithProfiles(Ports.free(), httpsPort, profiles());
             Site site = Site.start(PebbleSites.http01(pebble, storage, "127.0.0.1").challenge("auto")
                     .set(Setting.HTTP_PORT, "off").httpsPort(httpsPort).listener(new AutoTlsListener() {
                         @Override
                         public void onObtained(CertificateEvent event) {
                             obtained.add(event);
                         }
                     }))) {
            Await.until("a certificate for 127.0.0.1", Duration.ofSeconds(60), () -> !obtained.isEmpty());
            assertThat(obtained.get(0).strategy()).isEqualTo("tls-alpn-01");
            X509Certificate address = TlsClient.trusting(pebble.roots()).leafWithoutSni("127.0.0.1", httpsPort);
            assertThat(address.getSubjectAlternativeNames()).containsExactly(List.of(7, "127.0.0.1"));
            assertThat(lifetime(address)).isBetween(SHORTLIVED.minusMinutes(1), SHORTLIVED.plusSeconds(1));
        }
    }

    /**
     * Two address certificates on one connector bound to all addresses: the address each
     * connection arrived at picks its certificate. Needs the IPv6 loopback, which Pebble's http-01
     * check must reach as [::1]; a machine without it skips this test, saying so.
     */
    @Test
    void eachLoopbackAddressIsServedItsOwnCertificateWithoutSni(@TempDir Path storage) throws Exception {
        assertThat(ipv6LoopbackBindable()).as("listening on ::1 (IPv6 loopback): enable IPv6 on lo "
                + "(sysctl net.ipv6.conf.lo.disable_ipv6=0) to run the IPv6 end of this test").isTrue();
        int httpPort = Ports.free();
        Set<String> obtained = ConcurrentHashMap.newKeySet();
        try (Pebble pebble = Pebble.startValidatingWithProfiles(httpPort, Ports.free(), profiles());
             Site site = Site.start(PebbleSites.http01(pebble, storage, "127.0.0.1", "0:0:0:0:0:0:0:1")
                     .listener(recording(obtained)))) {
            Await.until("certificates for 127.0.0.1 and ::1", Duration.ofSeconds(60), () -> obtained.size() == 2);
            assertThat(obtained).as("the configured IPv6 address in RFC 5952 form").containsExactlyInAnyOrder("127.0.0.1", "::1");
            TlsClient client = TlsClient.trusting(pebble.roots());
            for (int round = 0; round < 2; round++) { // neither is just the first one published
                X509Certificate v6 = client.leafWithoutSni("::1", site.httpsPort());
                assertThat(v6.getSubjectAlternativeNames()).containsExactly(List.of(7, "0:0:0:0:0:0:0:1"));
                assertThat(lifetime(v6)).isBetween(SHORTLIVED.minusMinutes(1), SHORTLIVED.plusSeconds(1));
                X509Certificate v4 = client.leafWithoutSni("127.0.0.1", site.httpsPort());
                assertThat(v4.getSubjectAlternativeNames()).containsExactly(List.of(7, "127.0.0.1"));
            }
            // the plain HTTP connector answered Pebble's http-01 request for Host [::1]; other requests to it are
            // redirected to HTTPS at the same address, brackets kept
            java.net.http.HttpResponse<Void> redirect = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://[::1]:" + httpPort + "/page?x=1")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
            assertThat(redirect.statusCode()).isEqualTo(308);
            assertThat(redirect.headers().firstValue("Location"))
                    .contains("https://[::1]:" + site.httpsPort() + "/page?x=1");
        }
    }

    /** The newOrder requests clients sent through {@code front}, as JSON: identifiers and profile, as asked. */
    private static List<JsonNode> newOrders(FaultyCa front) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> orders = new java.util.ArrayList<>();
        for (String payload : front.requestPayloads()) {
            JsonNode request = json.readTree(payload);
            if (request.has("identifiers")) {
                orders.add(request);
            }
        }
        return orders;
    }

    /** The one newOrder request for {@code type:value}. */
    private static JsonNode orderFor(List<JsonNode> orders, String type, String value) {
        List<JsonNode> matching = orders.stream().filter(order -> {
            JsonNode identifier = order.path("identifiers").path(0);
            return order.path("identifiers").size() == 1 && identifier.path("type").asText().equals(type)
                    && identifier.path("value").asText().equals(value);
        }).toList();
        assertThat(matching).as("newOrder requests for %s %s among %s", type, value, orders).hasSize(1);
        return matching.get(0);
    }

    private static AutoTlsListener recording(Set<String> obtained) {
        return new AutoTlsListener() {
            @Override
            public void onObtained(CertificateEvent event) {
                obtained.addAll(event.names());
            }
        };
    }

    private static Duration lifetime(X509Certificate certificate) {
        return Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
    }

    private static boolean ipv6LoopbackBindable() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return true;
        } catch (IOException noIpv6) {
            return false;
        }
    }
}
