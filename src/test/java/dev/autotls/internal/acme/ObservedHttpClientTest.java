package dev.autotls.internal.acme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.MutableClock;
import dev.autotls.testing.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/**
 * Each client keeps the last answer each thread got through it, for the failure of the operation
 * that sent it: what one session's client saw is never read as another's, nor as another
 * thread's on the same session.
 */
class ObservedHttpClientTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void keepsItsOwnLastAnswerWithRetryAfterDatedByItsClock() throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(request.getHttpURI().getPath().equals("/busy") ? 503 : 200);
                response.getHeaders().put("Retry-After", "20");
                callback.succeeded();
                return true;
            }
        });
        server.start();
        try {
            MutableClock clock = new MutableClock(NOW);
            ObservedHttpClient one = new ObservedHttpClient(HttpClient.newHttpClient(), clock);
            ObservedHttpClient two = new ObservedHttpClient(HttpClient.newHttpClient(), clock);
            URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort());

            one.send(HttpRequest.newBuilder(base.resolve("/busy")).build(), HttpResponse.BodyHandlers.discarding());
            two.send(HttpRequest.newBuilder(base.resolve("/fine")).build(), HttpResponse.BodyHandlers.discarding());

            assertThat(one.last()).hasValueSatisfying(exchange -> {
                assertThat(exchange.status()).isEqualTo(503);
                assertThat(exchange.retryAfter()).contains(NOW.plusSeconds(20));
            });
            assertThat(two.last()).hasValueSatisfying(exchange -> assertThat(exchange.status()).isEqualTo(200));
            java.util.concurrent.atomic.AtomicReference<java.util.Optional<CaExchange>> seenElsewhere =
                    new java.util.concurrent.atomic.AtomicReference<>();
            Thread other = new Thread(() -> seenElsewhere.set(one.last()));
            other.start();
            other.join();
            assertThat(seenElsewhere.get()).as("another thread on the same client (a shared session) sees its own, none").isEmpty();
            one.forget();
            assertThat(one.last()).isEmpty();
        } finally {
            server.stop();
        }
    }

    @Test
    void aRequestWithoutAnAnswerIsKeptAsStatusZero() throws Exception {
        ObservedHttpClient client = new ObservedHttpClient(HttpClient.newHttpClient(), new MutableClock(NOW));
        URI closed = URI.create("http://127.0.0.1:" + Ports.free() + "/directory");
        try {
            client.send(HttpRequest.newBuilder(closed).build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException expected) {
            // connection refused
        }
        assertThat(client.last()).hasValueSatisfying(exchange -> {
            assertThat(exchange.status()).isZero();
            assertThat(exchange.hostAndPort()).isEqualTo("127.0.0.1:" + closed.getPort());
        });
    }
}
