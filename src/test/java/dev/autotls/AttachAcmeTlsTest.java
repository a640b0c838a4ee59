package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attaching to someone else's HTTPS connector makes it negotiate acme-tls/1, or refuses tls-alpn-01 where it cannot. */
class AttachAcmeTlsTest {
    @TempDir
    Path storage;

    private AutoTls autoTls(String challenge) {
        return AutoTls.builder().ignoreSystemSettings().domains("a.example").storage(storage).challenge(challenge)
                .set(Setting.HTTP_PORT, "off").httpsPort(0).agreeToTermsOfService(true).build();
    }

    @Test
    void aConnectorWithItsOwnAlpnListGetsAcmeTlsLastAndKeepsItsOrder() {
        Server server = new Server();
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(new SslContextFactory.Server(), "alpn"),
                alpn, new HttpConnectionFactory());
        autoTls("tls-alpn-01").attach(connector);
        assertThat(alpn.getNegotiatedProtocols()).containsExactly("h2", "http/1.1", "acme-tls/1");
        assertThat(connector.getProtocols()).endsWith("acme-tls/1");
        autoTls("tls-alpn-01").attach(connector); // twice: nothing more
        assertThat(alpn.getNegotiatedProtocols()).containsExactly("h2", "http/1.1", "acme-tls/1");
    }

    @Test
    void tlsAlpnOnAConnectorWithoutAlpnIsRefusedAtStartOtherChallengesAreNot() {
        Server server = new Server();
        ServerConnector noAlpn = new ServerConnector(server, new SslConnectionFactory(new SslContextFactory.Server(), "http/1.1"),
                new HttpConnectionFactory());
        assertThatThrownBy(() -> autoTls("tls-alpn-01").attach(noAlpn)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("autotls.challenge (set in code) = 'tls-alpn-01' needs ALPN on the HTTPS connector")
                .hasMessageContaining("--add-modules=alpn");
        autoTls("dns-persist-01").attach(noAlpn);
        autoTls("auto").attach(noAlpn); // auto may still validate through DNS: said, not refused
        assertThat(noAlpn.getProtocols()).doesNotContain("acme-tls/1");
    }
}
