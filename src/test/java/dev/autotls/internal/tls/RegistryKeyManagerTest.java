package dev.autotls.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.testing.TlsClient;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The key manager's choice per handshake, over real JSSE handshakes on loopback: the server
 * negotiates ALPN the way Jetty does (its own protocols first, acme-tls/1 last).
 */
class RegistryKeyManagerTest {
    private static final List<String> SERVER_PROTOCOLS = List.of("h2", "http/1.1", ValidationCertificates.ACME_TLS_1);

    private final CertificateRegistry registry = new CertificateRegistry();
    private final CertifiedKey ordinary = SelfSignedCertificates.create(List.of("a.test", "b.test"), Clock.systemUTC());
    private final CertifiedKey validation = SelfSignedCertificates.create(List.of("a.test"), Clock.systemUTC());
    private SSLServerSocket server;
    private Thread acceptor;

    @BeforeEach
    void serve() throws Exception {
        registry.publish(ordinary);
        registry.validations().put("a.test", validation);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {new RegistryKeyManager(registry)}, null, null);
        server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0);
        acceptor = new Thread(this::acceptUntilClosed, "key-manager-test-server");
        acceptor.start();
    }

    private void acceptUntilClosed() {
        while (!server.isClosed()) {
            try (SSLSocket socket = (SSLSocket) server.accept()) {
                socket.setHandshakeApplicationProtocolSelector((s, offered) -> SERVER_PROTOCOLS.stream()
                        .filter(offered::contains).findFirst().orElse(offered.isEmpty() ? "" : null));
                socket.startHandshake();
            } catch (IOException closedOrRefused) {
                // a refused handshake ends that connection; a closed server ends the loop
            }
        }
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        acceptor.join(5_000);
    }

    @Test
    void acmeTlsHandshakeForANameUnderValidationGetsTheValidationCertificate() throws Exception {
        TlsClient.Handshake handshake = TlsClient.inspecting().handshake(server.getLocalPort(), "a.test",
                ValidationCertificates.ACME_TLS_1);
        assertThat(handshake.protocol()).isEqualTo(ValidationCertificates.ACME_TLS_1);
        assertThat(handshake.leaf()).isEqualTo(validation.leaf());
    }

    @Test
    void ordinaryHandshakesNeverSeeTheValidationCertificate() throws Exception {
        TlsClient client = TlsClient.inspecting();
        int port = server.getLocalPort();
        for (String[] offered : List.of(new String[] {"h2", "http/1.1"}, new String[] {"http/1.1"}, new String[0])) {
            TlsClient.Handshake handshake = client.handshake(port, "a.test", offered);
            assertThat(handshake.leaf()).as("offering %s", List.of(offered)).isEqualTo(ordinary.leaf());
        }
        // even a client that offers acme-tls/1 beside h2 gets h2 and the ordinary certificate: the server prefers h2
        TlsClient.Handshake both = client.handshake(port, "a.test", ValidationCertificates.ACME_TLS_1, "h2");
        assertThat(both.protocol()).isEqualTo("h2");
        assertThat(both.leaf()).isEqualTo(ordinary.leaf());
    }

    @Test
    void acmeTlsHandshakeForANameNotUnderValidationIsRefused() {
        assertThatThrownBy(() -> TlsClient.inspecting().handshake(server.getLocalPort(), "b.test", ValidationCertificates.ACME_TLS_1))
                .isInstanceOf(SSLException.class);
        assertThatThrownBy(() -> TlsClient.inspecting().handshake(server.getLocalPort(), "unknown.test",
                ValidationCertificates.ACME_TLS_1)).isInstanceOf(SSLException.class);
    }

    @Test
    void removedValidationCertificateIsNoLongerServed() throws Exception {
        registry.validations().remove("a.test");
        assertThatThrownBy(() -> TlsClient.inspecting().handshake(server.getLocalPort(), "a.test", ValidationCertificates.ACME_TLS_1))
                .isInstanceOf(SSLException.class);
        X509Certificate served = TlsClient.inspecting().handshake(server.getLocalPort(), "a.test", "http/1.1").leaf();
        assertThat(served).isEqualTo(ordinary.leaf());
        assertThat(registry.lookup("a.test")).containsSame(ordinary);
    }
}
