package dev.autotls.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.testing.TlsClient;
import java.io.IOException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The key manager's on-demand branch over real JSSE handshakes on loopback: JSSE asks once per key
 * type it may use (EC, then RSA), and the wait must happen once per handshake whatever it answered;
 * a refusal serves nothing at all, never the temporary certificate.
 */
class RegistryKeyManagerOnDemandTest {
    private final CertificateRegistry registry = new CertificateRegistry();
    private final RegistryKeyManager keyManager = new RegistryKeyManager(registry);
    /** Each call of the wait: the name and what the registry held for it. */
    private final List<String> calls = new CopyOnWriteArrayList<>();
    /** What the wait answers next (null: refused). */
    private final AtomicReference<CertifiedKey> answer = new AtomicReference<>();
    private SSLServerSocket server;
    private Thread acceptor;

    @BeforeEach
    void serve() throws Exception {
        keyManager.onDemand((name, found, client) -> {
            calls.add(name + (found == null ? "" : found.selfSigned() ? " (temporary)" : " (issued)"));
            CertifiedKey entry = answer.get();
            if (entry != null) {
                registry.publish(entry); // as the engine does once the certificate is obtained
            }
            return entry;
        });
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {keyManager}, null, null);
        server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0);
        acceptor = new Thread(this::acceptUntilClosed, "on-demand-key-manager-test-server");
        acceptor.start();
    }

    private void acceptUntilClosed() {
        while (!server.isClosed()) {
            try (SSLSocket socket = (SSLSocket) server.accept()) {
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
    void theWaitHappensOncePerHandshakeAcrossKeyTypesAndItsRsaAnswerIsServed() throws Exception {
        CertifiedKey rsa = issuedRsa("od.test");
        answer.set(rsa);

        X509Certificate served = TlsClient.inspecting().handshake(server.getLocalPort(), "od.test", "http/1.1").leaf();

        assertThat(served).isEqualTo(rsa.leaf());
        assertThat(calls).as("asked for EC first, then RSA: one wait").containsExactly("od.test");
    }

    @Test
    void aRefusalServesNoCertificateAndIsAskedOnce() {
        assertThatThrownBy(() -> TlsClient.inspecting().handshake(server.getLocalPort(), "refused.test", "http/1.1"))
                .isInstanceOf(SSLException.class);
        assertThat(calls).containsExactly("refused.test");
    }

    @Test
    void aNameHoldingATemporaryCertificateIsNeverServedItWhenTheWaitRefuses() {
        registry.publish(SelfSignedCertificates.create(List.of("temp.test"), Clock.systemUTC()));

        assertThatThrownBy(() -> TlsClient.inspecting().handshake(server.getLocalPort(), "temp.test", "http/1.1"))
                .isInstanceOf(SSLException.class);
        assertThat(calls).as("handed to the wait with its temporary entry").containsExactly("temp.test (temporary)");
    }

    @Test
    void aNameWithAnIssuedCertificateNeverWaits() throws Exception {
        CertifiedKey issued = issuedRsa("done.test");
        registry.publish(issued);

        assertThat(TlsClient.inspecting().handshake(server.getLocalPort(), "done.test", "http/1.1").leaf()).isEqualTo(issued.leaf());
        assertThat(calls).isEmpty();
    }

    /** An RSA entry as a CA would issue it (not the temporary kind), so JSSE can only use it when asking for RSA. */
    private static CertifiedKey issuedRsa(String name) throws Exception {
        KeyPair keys = KeyType.RSA2048.generate();
        X500Name subject = new X500Name("CN=" + name);
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=test issuer"),
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(1))), subject, keys.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
        X509Certificate leaf = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
        return new CertifiedKey(List.of(name), List.of(leaf), keys.getPrivate(), false);
    }
}
