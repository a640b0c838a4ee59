package dev.autotls.internal.acmedns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.acmedns.AcmeDnsServer;
import dev.autotls.acmedns.ResponderConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** IPv6 listeners, which acme-dns users asked for: DNS over UDP and TCP and the API on [::1]. */
class Ipv6ListenerIT {

    @Test
    void answersDnsAndTheApiOnIpv6Loopback(@TempDir Path folder) throws Exception {
        ResponderConfig config = ResponderConfig.builder("auth.test").dns(new InetSocketAddress("::1", 0))
                .api(new InetSocketAddress("::1", 0)).database(folder.resolve("db")).build();
        try (AcmeDnsServer server = AcmeDnsServer.start(config)) {
            for (boolean tcp : new boolean[] {false, true}) {
                SimpleResolver resolver = new SimpleResolver(new InetSocketAddress("::1", server.dnsPort()));
                resolver.setTCP(tcp);
                resolver.setTimeout(Duration.ofSeconds(3));
                Message answer = resolver.send(Message.newQuery(org.xbill.DNS.Record.newRecord(
                        Name.fromString("auth.test."), Type.SOA, DClass.IN)));
                assertThat(answer.getRcode()).as(tcp ? "tcp" : "udp").isEqualTo(Rcode.NOERROR);
            }
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://[::1]:" + server.apiPort() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        }
    }
}
