package dev.autotls.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.testing.TlsClient;
import java.io.IOException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
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
 * The key manager's one wait over real JSSE handshakes on loopback: a managed name that memory does
 * not hold is loaded once, whatever the number of key types JSSE asks for (an RSA certificate makes it
 * ask for EC first, then RSA), and a load slower than {@link CertificateRegistry#LOAD_WAIT} fails the
 * handshake with an alert instead of holding it, while the load goes on to serve the next one.
 */
class RegistryKeyManagerLoadTest {
    private final CertificateRegistry registry = new CertificateRegistry(10);
    private final AtomicInteger loads = new AtomicInteger();
    private volatile CountDownLatch hold = new CountDownLatch(0);
    private SSLServerSocket server;
    private Thread acceptor;
    private CertifiedKey stored;

    @BeforeEach
    void serve() throws Exception {
        stored = issuedRsa("lazy.test");
        registry.loadFrom(firstName -> {
            loads.incrementAndGet();
            hold.await();
            return stored;
        });
        registry.manage("lazy.test", List.of("lazy.test"));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {new RegistryKeyManager(registry)}, null, null);
        server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0);
        acceptor = new Thread(this::acceptUntilClosed, "lazy-key-manager-test-server");
        acceptor.start();
    }

    /** One handshake at a time, as the tests make them. */
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
        hold.countDown();
        server.close();
        acceptor.join(5_000);
    }

    @Test
    void aManagedNameNotInMemoryIsLoadedOnceForEveryKeyTypeAndServed() throws Exception {
        X509Certificate served = TlsClient.inspecting().handshake(server.getLocalPort(), "lazy.test", "http/1.1").leaf();

        assertThat(served).isEqualTo(stored.leaf());
        assertThat(loads.get()).as("asked for EC, then RSA: one load").isEqualTo(1);
        TlsClient.inspecting().handshake(server.getLocalPort(), "lazy.test", "http/1.1");
        assertThat(loads.get()).as("the next handshake is served from memory").isEqualTo(1);
    }

    @Test
    void aLoadSlowerThanTheWaitFailsTheHandshakeOnceAndServesTheNext() throws Exception {
        hold = new CountDownLatch(1);
        long begun = System.nanoTime();

        assertThatThrownBy(() -> TlsClient.inspecting().handshake(server.getLocalPort(), "lazy.test", "http/1.1"))
                .as("no certificate for any key type: an alert").isInstanceOf(SSLException.class);
        Duration took = Duration.ofNanos(System.nanoTime() - begun);
        assertThat(took).as("the handshake failed after one wait, not one per key type, and did not hang")
                .isLessThan(CertificateRegistry.LOAD_WAIT.multipliedBy(8));
        assertThat(registry.cacheStats().timeouts()).isEqualTo(1);

        hold.countDown();
        assertThat(TlsClient.inspecting().handshake(server.getLocalPort(), "lazy.test", "http/1.1").leaf())
                .isEqualTo(stored.leaf());
        assertThat(loads.get()).as("the load that outlasted the wait served the next handshake").isEqualTo(1);
    }

    /** An RSA entry as a CA would issue it, so JSSE asks for EC first and finds it only asking for RSA. */
    private static CertifiedKey issuedRsa(String name) throws Exception {
        KeyPair keys = KeyType.RSA2048.generate();
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=test issuer"),
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(1))), new X500Name("CN=" + name), keys.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
        X509Certificate leaf = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
        return new CertifiedKey(List.of(name), List.of(leaf), keys.getPrivate(), false);
    }
}
