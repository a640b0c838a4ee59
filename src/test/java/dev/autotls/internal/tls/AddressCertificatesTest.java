package dev.autotls.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.TlsClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * Handshakes without SNI (what clients send for an IP address) get an address certificate: the
 * one for the address the connection arrived at, else the first; with none, what they got before.
 */
class AddressCertificatesTest {
    private final CertificateRegistry registry = new CertificateRegistry();
    private final RegistryKeyManager keyManager = new RegistryKeyManager(registry);
    private final CertifiedKey domain = SelfSignedCertificates.create(List.of("a.test"), Clock.systemUTC());
    private final CertifiedKey first = SelfSignedCertificates.create(List.of("127.0.0.1"), Clock.systemUTC());
    private final CertifiedKey second = SelfSignedCertificates.create(List.of("127.0.0.2"), Clock.systemUTC());

    /** An engine before its handshake: no handshake session, so no SNI, as for a client connecting to an address. */
    private static SSLEngine engine() throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine();
        engine.setUseClientMode(false);
        return engine;
    }

    private String chosen(SSLEngine engine) {
        return keyManager.chooseEngineServerAlias("EC", null, engine);
    }

    @Test
    void withoutAddressCertificatesANoSniHandshakeGetsTheFallbackAsBefore() throws Exception {
        registry.publish(domain);
        assertThat(chosen(engine())).isEqualTo(domain.alias());
        assertThat(registry.localAddresses().wanted()).as("nothing to record for").isFalse();
    }

    @Test
    void theLocalAddressPicksItsCertificateElseTheFirstIsServed() throws Exception {
        registry.publish(domain);
        registry.publish(first);
        registry.publish(second);
        assertThat(registry.localAddresses().wanted()).isTrue();

        SSLEngine toSecond = engine();
        registry.localAddresses().record(toSecond, InetAddress.getByName("127.0.0.2"));
        assertThat(chosen(toSecond)).isEqualTo(second.alias());

        SSLEngine unrecorded = engine(); // a connector autotls did not install
        assertThat(chosen(unrecorded)).as("the first address certificate").isEqualTo(first.alias());

        SSLEngine elsewhere = engine();
        registry.localAddresses().record(elsewhere, InetAddress.getByName("192.0.2.7"));
        assertThat(chosen(elsewhere)).isEqualTo(first.alias());

        registry.localAddresses().forget(toSecond);
        assertThat(chosen(toSecond)).isEqualTo(first.alias());
    }

    @Test
    void aReplacementKeepsItsPlaceAndWithdrawingTheLastGoesBackToTheFallback() throws Exception {
        registry.publish(domain);
        registry.publish(first);
        registry.publish(second);
        CertifiedKey renewed = SelfSignedCertificates.create(List.of("127.0.0.1"), Clock.systemUTC());
        registry.publish(renewed);
        assertThat(chosen(engine())).as("still first, now renewed").isEqualTo(renewed.alias());

        registry.withdraw(List.of("127.0.0.1"));
        assertThat(chosen(engine())).isEqualTo(second.alias());
        registry.withdraw(List.of("127.0.0.2"));
        assertThat(chosen(engine())).isEqualTo(domain.alias());
        assertThat(registry.localAddresses().wanted()).isFalse();
    }

    @Test
    void overRealSocketsTheAddressConnectedToDecides() throws Exception {
        registry.publish(domain);
        registry.publish(first);
        registry.publish(second);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {keyManager}, null, null);
        // all addresses, so one listener receives connections to 127.0.0.1 and 127.0.0.2 (both loopback on Linux)
        try (SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket()) {
            server.bind(new InetSocketAddress(0));
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try (SSLSocket socket = (SSLSocket) server.accept()) {
                        socket.startHandshake();
                    } catch (IOException closedOrRefused) {
                        // the loop condition decides
                    }
                }
            }, "address-certificates-test-server");
            acceptor.start();
            TlsClient client = TlsClient.inspecting();
            assertThat(client.leafWithoutSni("127.0.0.2", server.getLocalPort())).isEqualTo(second.leaf());
            assertThat(client.leafWithoutSni("127.0.0.1", server.getLocalPort())).isEqualTo(first.leaf());
            assertThat(client.leaf(server.getLocalPort(), "a.test")).as("SNI still decides when sent").isEqualTo(domain.leaf());
            server.close();
            acceptor.join(5_000);
        }
    }

    @Test
    void addressCertificatesCarryIpAddressSans() throws Exception {
        assertThat(first.leaf().getSubjectAlternativeNames()).containsExactly(List.of(7, "127.0.0.1"));
        assertThat(AlternativeNames.in(SelfSignedCertificates.create(List.of("::1", "2001:db8::1"), Clock.systemUTC()).leaf()))
                .containsExactly("::1", "2001:db8::1");
    }
}
