package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.Await;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.Ports;
import dev.autotls.testing.TlsClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 (a) and (b): autotls serving through a connector the application built itself, with
 * its own HTTP configuration and customizer; and a server stopped and started again.
 */
class AttachIT {

    /** The application's own server: its connectors, its customizer, autotls attached to its TLS factory. */
    private static Server applicationServer(AutoTls autoTls, int httpPort, AtomicInteger customized) {
        Server server = new Server();
        HttpConfiguration https = new HttpConfiguration();
        https.addCustomizer(new SecureRequestCustomizer());
        https.addCustomizer((request, responseHeaders) -> {
            customized.incrementAndGet();
            responseHeaders.put("X-Application", "customizer ran");
            return request;
        });
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setIncludeProtocols("TLSv1.3"); // the application's own choice, which attaching must keep
        HttpConnectionFactory http11 = new HttpConnectionFactory(https);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("http/1.1");
        ServerConnector secure = new ServerConnector(server, new SslConnectionFactory(tls, alpn.getProtocol()), alpn, http11);
        secure.setPort(0);
        server.addConnector(secure);
        ServerConnector plain = new ServerConnector(server, new HttpConnectionFactory(new HttpConfiguration()));
        plain.setPort(httpPort);
        server.addConnector(plain);

        autoTls.attach(secure);
        Handler.Wrapper challenges = autoTls.challengeHandler();
        challenges.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.write(true, ByteBuffer.wrap(("app " + Request.getServerName(request)).getBytes(StandardCharsets.UTF_8)),
                        callback);
                return true;
            }
        });
        server.setHandler(challenges);
        server.addBean(autoTls);
        return server;
    }

    private static AutoTls.Builder builder(Pebble pebble, Path storage) {
        return AutoTls.builder().ignoreSystemSettings().domains("attach.test").ca(pebble.directory().toString())
                .caTrust(pebble.listenerTrust()).storage(storage).challenge("http-01").agreeToTermsOfService(true);
    }

    private static int httpsPort(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @Test
    void anApplicationsOwnConnectorServesPebbleCertificatesAndKeepsItsCustomizer(@TempDir Path storage) throws Exception {
        int httpPort = Ports.free();
        try (Pebble pebble = Pebble.start("sid", httpPort)) {
            AtomicInteger customized = new AtomicInteger();
            AutoTls autoTls = builder(pebble, storage).build();
            Server server = applicationServer(autoTls, httpPort, customized);
            server.start();
            try {
                TlsClient client = TlsClient.trusting(pebble.roots());
                Await.until("a Pebble certificate on the application's connector", Duration.ofSeconds(60), () -> {
                    try {
                        return client.leaf(httpsPort(server), "attach.test") != null;
                    } catch (Exception notYet) {
                        return false; // still the temporary one
                    }
                });
                TlsClient.Page page = client.get(httpsPort(server), "attach.test", "/");
                assertThat(page.body()).isEqualTo("app attach.test");
                assertThat(page.header("X-Application")).isEqualTo("customizer ran");
                assertThat(customized.get()).isPositive();
                assertThat(page.protocol()).isEqualTo("TLSv1.3");
                assertThat(server.isStarted()).as("swapped in without a restart").isTrue();
            } finally {
                server.stop();
            }
        }
    }

    @Test
    void aServerStoppedAndStartedAgainServesTheStoredCertificateWithoutANewOrder(@TempDir Path storage) throws Exception {
        int httpPort = Ports.free();
        try (Pebble pebble = Pebble.start("sid", httpPort)) {
            AutoTls autoTls = builder(pebble, storage).build();
            Server server = applicationServer(autoTls, httpPort, new AtomicInteger());
            TlsClient client = TlsClient.trusting(pebble.roots());
            server.start();
            X509Certificate first;
            try {
                Await.until("the first certificate", Duration.ofSeconds(60), () -> autoTls.servedCertificate("attach.test")
                        .map(c -> c.getIssuerX500Principal().getName().contains("Pebble")).orElse(false));
                first = client.leaf(httpsPort(server), "attach.test");
                server.stop();
                assertThat(autoTls.isStopped()).isTrue();
                server.start();
                assertThat(autoTls.isStarted()).isTrue();
                assertThat(client.leaf(httpsPort(server), "attach.test").getSerialNumber()).isEqualTo(first.getSerialNumber());
                server.stop();
                server.start(); // twice: nothing of the first run's threads is reused
                assertThat(client.leaf(httpsPort(server), "attach.test").getSerialNumber()).isEqualTo(first.getSerialNumber());
            } finally {
                server.stop();
            }
            assertThat(pebble.orders()).as("orders over three starts").isEqualTo(1);
            assertThat(pebble.accountRequests()).isEqualTo(1);
        }
    }
}
