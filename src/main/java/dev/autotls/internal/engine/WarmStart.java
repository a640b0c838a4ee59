package dev.autotls.internal.engine;

import dev.autotls.internal.acme.Issuer;
import dev.autotls.internal.dns.AuthoritativeDns;
import dev.autotls.internal.tls.CertificateRegistry;
import dev.autotls.internal.tls.CertifiedKey;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.TransientException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first order's slow steps, begun at start on a thread of their own so they overlap with
 * the server's start and the order's own preflight: the CA's directory, the account login, a
 * nonce and the signing code ({@link Issuer#warmUp}), one DNS look-up (which also finds
 * and keeps the zone's servers for the preflight), and, once the server is up, one request to
 * its own HTTP port and one handshake with its own HTTPS port, so the CA's http-01 request and
 * the first client do not meet cold code. The CA steps run only when some certificate has to
 * be ordered (a restart serving valid stored certificates sends the CA nothing extra: which
 * certificates the store holds is known once its list was read, {@link CertificateManager#storeListed},
 * and a certificate it lists counts as valid until read), and they are the first contact with
 * the CA ({@link CaCircuit#claimFirstContact}, claimed at once while that is not known, and
 * released unused if no order is coming): orders wait for their answer, so a CA that is down at
 * start is asked once, and its Retry-After is kept from the first answer. Nothing here delays or fails the start: every other failure is logged at
 * debug and left for the order, which meets it again and reports it.
 */
public final class WarmStart {
    private static final Logger LOG = LoggerFactory.getLogger(WarmStart.class);
    /** How long the self-requests wait for the server to finish starting. */
    private static final long SERVER_START_WAIT_SECONDS = 30;
    private static final int SOCKET_TIMEOUT_MILLIS = 2_000;

    private final Issuer issuer;
    private final CaCircuit circuit;
    private final Clock clock;
    private final AuthoritativeDns dns;
    private final CertificateRegistry registry;
    private final List<ManagedCertificate> certificates;
    /** Completes once the store's list of certificates was read: which are stored is known from then on. */
    private final CompletableFuture<Void> storeListed;
    private final CountDownLatch serverStarted = new CountDownLatch(1);
    private Thread thread;

    /** {@code issuer} is the first CA's, and {@code circuit} the circuit in front of it; {@code manager}'s certificates. */
    public WarmStart(Issuer issuer, CaCircuit circuit, Clock clock, AuthoritativeDns dns, CertificateRegistry registry,
                     CertificateManager manager) {
        this.issuer = issuer;
        this.circuit = circuit;
        this.clock = clock;
        this.dns = dns;
        this.registry = registry;
        this.certificates = manager.certificates();
        this.storeListed = manager.storeListed();
    }

    /**
     * Claims the first contact with the CA when some certificate is to be ordered, then begins on
     * a daemon thread; call it before the certificates' jobs start, so they wait for its answer.
     * {@code server} and the ports of the connectors autotls made (-1 when it made none) are for
     * the self-requests after the server has started.
     */
    public WarmStart begin(Server server, int httpsPort, int httpPort) {
        boolean contactsCa = certificates.stream().anyMatch(WarmStart::mayOrderSoon)
                && circuit.claimFirstContact(clock.instant());
        LifeCycle.Listener started = new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarted(LifeCycle event) {
                serverStarted.countDown();
            }
        };
        if (server != null) {
            server.addEventListener(started);
        }
        thread = new Thread(() -> {
            try {
                run(contactsCa, server, httpsPort, httpPort);
            } finally {
                if (server != null) {
                    server.removeEventListener(started);
                }
            }
        }, "autotls-warm-up");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Whether it began and its thread has ended (for tests). */
    boolean finished() {
        return thread != null && !thread.isAlive();
    }

    /** Ends {@code warmStart}'s thread if it still runs (null: none began). */
    public static void stop(WarmStart warmStart) {
        if (warmStart != null && warmStart.thread != null) {
            warmStart.thread.interrupt();
        }
    }

    private void run(boolean contactsCa, Server server, int httpsPort, int httpPort) {
        long begun = System.nanoTime();
        if (contactsCa && !awaitStoreListed()) {
            circuit.released(); // stopping: nothing learnt of the CA
            return;
        }
        if (contactsCa && certificates.stream().noneMatch(WarmStart::ordersSoon)) {
            circuit.released(); // every certificate is stored: the first order, if any, contacts the CA itself
        } else if (contactsCa && !warmUpCa(begun)) {
            return;
        }
        if (!certificates.isEmpty()) {
            try {
                dns.txt(certificates.get(0).firstName());
            } catch (IOException | RuntimeException e) {
                LOG.debug("warm-up: the DNS look-up failed ({})", e.toString());
            }
        }
        if (server == null || certificates.isEmpty()) {
            return;
        }
        try {
            if (!server.isStarted() && !serverStarted.await(SERVER_START_WAIT_SECONDS, TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            return;
        }
        String name = certificates.get(0).firstName().replace("*.", "warm-up.");
        if (httpPort > 0) {
            httpRequest(httpPort, name);
        }
        if (httpsPort > 0) {
            handshake(httpsPort, name);
        }
        LOG.debug("warm-up: done after {} ms", (System.nanoTime() - begun) / 1_000_000);
    }

    /** The CA steps, reported to the circuit; false if interrupted (stopping). */
    private boolean warmUpCa(long begun) {
        boolean reported = false;
        try {
            issuer.warmUp();
            circuit.succeeded();
            reported = true;
            LOG.debug("warm-up: CA directory, account and nonce ready after {} ms", (System.nanoTime() - begun) / 1_000_000);
        } catch (TransientException e) {
            if (e.caWide()) {
                // the CA is down or busy: orders wait for its back-off or Retry-After instead of asking again now
                circuit.firstContactFailed(clock.instant(), e);
                reported = true;
                FailurePolicy.logCaDown(e, circuit.openUntil().orElse(clock.instant()));
            } else {
                LOG.debug("warm-up: the CA steps failed ({}); the first order meets it again", e.getMessage());
            }
        } catch (AutoTlsException e) {
            // the CA answered (it refused the account, say): the order meets the refusal again and reports it
            circuit.succeeded();
            reported = true;
            LOG.debug("warm-up: the CA steps failed ({}); the first order meets it again", e.getMessage());
        } catch (InterruptedException e) {
            return false;
        } catch (RuntimeException e) {
            LOG.debug("warm-up: the CA steps failed", e);
        } finally {
            if (!reported) {
                circuit.released(); // nothing learnt of the CA: the first order contacts it itself
            }
        }
        return true;
    }

    /** Whether the store's list was read (or could not be) within the wait for the server; false if interrupted. */
    private boolean awaitStoreListed() {
        try {
            storeListed.get(SERVER_START_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            return false;
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("warm-up: the store's list of certificates was not read ({})", e.toString());
        }
        return true;
    }

    /** Before the store was read: whether an order may be coming (what is stored is not known yet). */
    private static boolean mayOrderSoon(ManagedCertificate certificate) {
        CertificateState state = certificate.state();
        return state.stored() != CertificateState.Stored.READ || state.current() == null || !state.matchesConfiguration();
    }

    /** Once its list was read: whether an order is coming (a certificate the store lists counts as valid until read). */
    private static boolean ordersSoon(ManagedCertificate certificate) {
        CertificateState state = certificate.state();
        return switch (state.stored()) {
            case UNKNOWN -> true; // the store could not be listed: as when nothing is stored
            case LISTED -> false;
            case READ -> state.current() == null || !state.matchesConfiguration();
        };
    }

    /** One http-01 request for a token that does not exist (a 404), through the path the CA's request takes. */
    private static void httpRequest(int port, String name) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), SOCKET_TIMEOUT_MILLIS);
            socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /.well-known/acme-challenge/autotls-warm-up HTTP/1.1\r\nHost: " + name
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.getInputStream().readAllBytes();
        } catch (IOException e) {
            LOG.debug("warm-up: the request to the own HTTP port failed ({})", e.toString());
        }
    }

    /** One TLS handshake with the own HTTPS port, trusting only what the registry serves for {@code name} now. */
    private void handshake(int port, String name) {
        CertifiedKey served = registry.lookup(name).orElse(null);
        if (served == null) {
            return;
        }
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("served", served.leaf());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), SOCKET_TIMEOUT_MILLIS);
                socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setServerNames(List.of(new SNIHostName(name)));
                socket.setSSLParameters(parameters);
                socket.startHandshake();
            }
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            // the CA's certificate may have replaced the one trusted here meanwhile: the code ran all the same
            LOG.debug("warm-up: the handshake with the own HTTPS port failed ({})", e.toString());
        }
    }
}
