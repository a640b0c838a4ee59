package dev.autotls.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.dns.AuthoritativeDns;
import dev.autotls.internal.jetty.TlsConnectors;
import dev.autotls.testing.Await;
import dev.autotls.testing.Ports;
import dev.autotls.spi.TransientException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/** The warm start: the issuer's slow steps when an order is coming, and one request to each of the server's own ports. */
class WarmStartTest {
    /** A resolver nobody answers on (a free port): the DNS step fails, as it may, without holding up the rest. */
    private static final AuthoritativeDns SILENT_DNS = new AuthoritativeDns(List.of(new InetSocketAddress("127.0.0.1", Ports.free())));

    @Test
    void warmsTheIssuerAndTheServersOwnPortsOnceItHasStarted() throws Exception {
        Engine engine = new Engine().certificate("warm.test").start(); // nothing stored: an order is coming
        AtomicInteger challengeRequests = new AtomicInteger();
        AtomicInteger handshakes = new AtomicInteger();
        Server server = new Server();
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (Request.getPathInContext(request).startsWith("/.well-known/acme-challenge/")) {
                    challengeRequests.incrementAndGet();
                }
                Response.writeError(request, response, callback, 404);
                return true;
            }
        });
        ServerConnector https = TlsConnectors.https(server, TlsConnectors.sslContext(engine.registry), "127.0.0.1", 0);
        https.getConnectionFactory(SslConnectionFactory.class).addBean(new SslHandshakeListener() {
            @Override
            public void handshakeSucceeded(Event event) {
                handshakes.incrementAndGet();
            }
        });
        ServerConnector http = new ServerConnector(server);
        http.setHost("127.0.0.1");
        server.addConnector(https);
        server.addConnector(http);
        https.open();
        http.open();
        try {
            WarmStart warm = new WarmStart(engine.issuer(), engine.rotation.firstCircuit(false), engine.clock, SILENT_DNS, engine.registry, engine.manager)
                    .begin(server, https.getLocalPort(), http.getLocalPort());
            server.start();
            Await.until("the warm start to end", Duration.ofSeconds(30), warm::finished);
        } finally {
            server.stop();
        }
        assertThat(engine.issuer().warmUps.get()).isEqualTo(1);
        assertThat(challengeRequests.get()).as("one http-01 request through the path the CA's takes").isEqualTo(1);
        assertThat(handshakes.get()).as("one handshake with the own HTTPS port").isEqualTo(1);
    }

    @Test
    void aRestartServingValidCertificatesSendsTheIssuerNothing() throws Exception {
        Engine engine = new Engine().certificate("kept.test").start();
        engine.runDue(); // now served and stored
        engine.issuer().warmUps.set(0);

        WarmStart warm = new WarmStart(engine.issuer(), engine.rotation.firstCircuit(false), engine.clock, SILENT_DNS, engine.registry, engine.manager)
                .begin(null, -1, -1);
        Await.until("the warm start to end", Duration.ofSeconds(30), warm::finished);

        assertThat(engine.issuer().warmUps.get()).isZero();
    }

    @Test
    void theWarmStartIsTheCasFirstContactAndOrdersKeepItsRetryAfter() throws Exception {
        Engine engine = new Engine().certificate("first.test").certificate("second.test").build();
        engine.issuer().failWarmUp(new TransientException("the CA at ca1.test answered HTTP 503 for its directory", null, true,
                Engine.T0.plusSeconds(20)));
        WarmStart warm = new WarmStart(engine.issuer(), engine.rotation.firstCircuit(false), engine.clock, SILENT_DNS,
                engine.registry, engine.manager).begin(null, -1, -1);
        engine.manager.start(engine.scheduler, Runnable::run);

        engine.runDue(); // the order waits for the warm start's answer, then for its Retry-After
        Await.until("the warm start to end", Duration.ofSeconds(30), warm::finished);
        assertThat(engine.events.failures).as("the warm start's 503, reported once by the order").hasSize(1);
        engine.advance(Duration.ofSeconds(19));
        assertThat(engine.issuer().probes.get() + engine.issuer().orders.size())
                .as("requests to the CA before its Retry-After, after the warm start's 503").isZero();

        engine.issuer().failWarmUp(null);
        engine.advance(Duration.ofSeconds(7)); // past the Retry-After and the resume spread
        assertThat(engine.issuer().probes.get()).as("one cheap probe once the Retry-After is over").isEqualTo(1);
        assertThat(engine.servesIssued("first.test") && engine.servesIssued("second.test")).isTrue();
        assertThat(engine.events.failures).hasSize(1);
    }

    @Test
    void stoppingEndsItsThread() throws Exception {
        Engine engine = new Engine().certificate("stop.test").start();
        Server server = new Server(); // never started: the warm start waits for it until stopped
        WarmStart warm = new WarmStart(engine.issuer(), engine.rotation.firstCircuit(false), engine.clock, SILENT_DNS, engine.registry, engine.manager)
                .begin(server, Ports.free(), -1);

        WarmStart.stop(warm);

        Await.until("the warm start to end once stopped", Duration.ofSeconds(30), warm::finished);
    }
}
