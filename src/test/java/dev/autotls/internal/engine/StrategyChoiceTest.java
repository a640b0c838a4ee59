package dev.autotls.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.AutoTls;
import dev.autotls.ConfigurationException;
import dev.autotls.Setting;
import dev.autotls.internal.Assembly;
import dev.autotls.internal.acme.PreflightException;
import dev.autotls.internal.challenge.TlsAlpn01Strategy;
import dev.autotls.testing.Ports;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which strategy a certificate gets for tls-alpn-01 and auto, and why; building an AutoTls needs no
 * network, and the one preflight run here asks only a directory answered on loopback in this JVM.
 */
class StrategyChoiceTest {
    @TempDir
    Path storage;

    private AutoTls.Builder site(String challenge, String httpPort, String... names) {
        return AutoTls.builder().ignoreSystemSettings().domains(names).storage(storage).challenge(challenge)
                .set(Setting.HTTP_PORT, httpPort).httpsPort(0).agreeToTermsOfService(true);
    }

    private static ManagedCertificate only(AutoTls autoTls) {
        assertThat(autoTls.getBean(Assembly.class).certificates()).hasSize(1);
        return autoTls.getBean(Assembly.class).certificates().get(0);
    }

    @Test
    void autoOffersTlsAlpnInHttp01sPlaceWhenTheHttpPortIsOff() {
        ManagedCertificate certificate = only(site("auto", "off", "a.example").build());
        assertThat(certificate.strategy.challengeTypes()).contains(TlsAlpn01Strategy.NAME).doesNotContain("http-01");
        assertThat(certificate.strategyReason).contains("tls-alpn-01 instead of http-01, because autotls.http.port = off");
    }

    @Test
    void autoKeepsHttp01AndNeverTlsAlpnWhenTheHttpPortIsOn() {
        ManagedCertificate certificate = only(site("auto", "0", "a.example").build());
        assertThat(certificate.strategy.challengeTypes()).contains("http-01").doesNotContain(TlsAlpn01Strategy.NAME);
        assertThat(certificate.strategyReason).doesNotContain("tls-alpn-01");
    }

    @Test
    void autoWithAWildcardAndTheHttpPortOffStillUsesOnlyDnsStrategiesForIt() throws Exception {
        try (DirectoryWithoutIssuer ca = DirectoryWithoutIssuer.start()) {
            ManagedCertificate certificate = only(site("auto", "off", "a.example", "*.a.example").ca(ca.url()).build());
            assertThat(certificate.names).containsExactly("a.example", "*.a.example");
            for (String name : certificate.names) {
                assertThat(certificate.strategy.suitability(name).suitable()).as("suitable for %s", name).isTrue();
            }
            // tls-alpn-01 stays a candidate of the built strategy; its preflight (run before every order)
            // must pass it over for this certificate and try only dns-persist-01, which this CA cannot take
            assertThatThrownBy(() -> certificate.strategy.preflight(certificate.names))
                    .isInstanceOf(PreflightException.class)
                    .hasMessageContaining("no validation method can work yet for a.example, *.a.example")
                    .hasMessageContaining("dns-persist-01 is not ready: the CA " + ca.url() + " names no issuer domain")
                    .hasMessageContaining("tls-alpn-01 cannot (tls-alpn-01 cannot validate the wildcard *.a.example")
                    .hasMessageNotContaining("http-01");
        }
    }

    @Test
    void tlsAlpnAsConfiguredIsUsedAndRefusesWildcardsAtStart() {
        ManagedCertificate certificate = only(site("tls-alpn-01", "off", "a.example").build());
        assertThat(certificate.strategy.name()).isEqualTo(TlsAlpn01Strategy.NAME);
        assertThat(certificate.strategyReason).contains("tls-alpn-01");
        assertThatThrownBy(() -> site("tls-alpn-01", "off", "a.example", "*.a.example").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("autotls.challenge = 'tls-alpn-01'")
                .hasMessageContaining("cannot validate the wildcard *.a.example");
    }

    @Test
    void aDnsBasedStrategyWithAnAddressIsRefusedAtStartNamingTheAddressAndWhatToDo() {
        AutoTls.Builder persist = site("dns-persist-01", "0", "example.test", "192.0.2.1");
        AutoTls.Builder acmeDns = site("acme-dns", "0", "192.0.2.1").set(Setting.ACMEDNS_URL, "https://auth.example.org");
        AutoTls.Builder rfc2136 = site("rfc2136", "0", "2001:db8::1").set(Setting.RFC2136_SERVER, "ns1.example.org:5353")
                .set(Setting.RFC2136_ZONE, "alias.example.org")
                .set(Setting.RFC2136_TSIG, "hmac-sha256:alias:jVCwAD1TKb0x/JvcWn3yIRobnh9/CL7vWQaW0dZ9j8Q=");
        for (var configured : java.util.Map.of("dns-persist-01", persist, "acme-dns", acmeDns, "rfc2136", rfc2136).entrySet()) {
            String address = configured.getKey().equals("rfc2136") ? "2001:db8::1" : "192.0.2.1";
            assertThatThrownBy(() -> configured.getValue().build())
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("autotls.challenge = '" + configured.getKey() + "': " + address + " is an IP address")
                    .hasMessageContaining("never through DNS")
                    .hasMessageContaining("validate it with auto, http-01 or tls-alpn-01");
        }
    }

    @Test
    void autoValidatesAnAddressByConnectionOnly() {
        AutoTls withHttp = site("auto", "0", "example.com", "192.0.2.1").build();
        ManagedCertificate address = withHttp.getBean(Assembly.class).certificates().get(1);
        assertThat(address.names).containsExactly("192.0.2.1");
        assertThat(address.strategy.challengeTypes()).containsExactly("http-01");
        assertThat(address.strategyReason).contains("auto will use http-01").contains("only by connecting to it");
        ManagedCertificate domain = withHttp.getBean(Assembly.class).certificates().get(0);
        assertThat(domain.strategyReason).as("a domain name keeps every candidate").contains("dns-persist-01, http-01");

        ManagedCertificate httpOff = only(site("auto", "off", "2001:db8::1").build());
        assertThat(httpOff.strategy.challengeTypes()).containsExactly(TlsAlpn01Strategy.NAME);
        assertThat(httpOff.strategyReason).contains("because autotls.http.port = off");
    }

    @Test
    void http01AndTlsAlpnAsConfiguredTakeAddresses() {
        assertThat(only(site("http-01", "0", "192.0.2.1").build()).strategy.name()).isEqualTo("http-01");
        assertThat(only(site("tls-alpn-01", "off", "2001:db8::1").build()).strategy.name()).isEqualTo(TlsAlpn01Strategy.NAME);
    }

    /**
     * The one thing dns-persist-01's preflight asks the CA before anything else: an ACME directory
     * (plain HTTP on loopback, answered in this JVM) whose {@code meta} names no issuer domain, so
     * that check fails with a {@link PreflightException} before any account or DNS lookup is needed.
     */
    private static final class DirectoryWithoutIssuer implements AutoCloseable {
        private final ServerSocket listener;
        private final Thread acceptor;

        private DirectoryWithoutIssuer(ServerSocket listener) {
            this.listener = listener;
            this.acceptor = new Thread(this::answerEach, "directory-without-issuer");
            this.acceptor.setDaemon(true);
        }

        static DirectoryWithoutIssuer start() throws IOException {
            ServerSocket listener = new ServerSocket(Ports.free(), 50, InetAddress.getLoopbackAddress());
            DirectoryWithoutIssuer directory = new DirectoryWithoutIssuer(listener);
            directory.acceptor.start();
            return directory;
        }

        String url() {
            return base() + "/dir";
        }

        private String base() {
            return "http://127.0.0.1:" + listener.getLocalPort();
        }

        /** Every request, whatever its path, gets the directory: acme4j asks for nothing else here. */
        private void answerEach() {
            byte[] body = ("{\"newNonce\":\"" + base() + "/nonce\",\"newAccount\":\"" + base() + "/account\","
                    + "\"newOrder\":\"" + base() + "/order\",\"meta\":{}}").getBytes(StandardCharsets.UTF_8);
            byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            while (!listener.isClosed()) {
                try (Socket client = listener.accept()) {
                    InputStream in = client.getInputStream();
                    int matched = 0; // of the blank line ending the request head
                    while (matched < 4) {
                        int b = in.read();
                        if (b < 0) {
                            break;
                        }
                        matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
                    }
                    OutputStream out = client.getOutputStream();
                    out.write(head);
                    out.write(body);
                    out.flush();
                } catch (IOException closedOrGone) {
                    // closed by close(), or a client that went away: the loop condition decides
                }
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
