package dev.autotls.internal.ondemand;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.autotls.testing.StandardError;
import dev.autotls.testing.Ports;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code ask} contract against a real HTTP endpoint on a free port: what each status means,
 * and that only a 2xx allows while an endpoint that cannot decide now (5xx, 429, 408) gives no
 * answer, which renewals do not take as a refusal.
 */
class AskEndpointTest {
    private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();

    private HttpServer server;
    private ExecutorService threads;
    /** The raw query of each request the endpoint saw. */
    private final ConcurrentLinkedQueue<String> queries = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        threads = Executors.newCachedThreadPool();
        server.setExecutor(threads);
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        threads.shutdownNow();
    }

    /** An endpoint at {@code path} that answers every request with {@code status} and no body. */
    private AskEndpoint answering(String path, int status) {
        server.createContext(path, exchange -> {
            queries.add(exchange.getRequestURI().getRawQuery());
            if (status / 100 == 3) {
                exchange.getResponseHeaders().add("Location", "http://127.0.0.1:1/elsewhere");
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        return endpoint(path);
    }

    private AskEndpoint endpoint(String path) {
        return new AskEndpoint(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path));
    }

    @Test
    void a2xxAllowsA4xxOrARedirectRefusesAndTheEndpointSeesDomainAndClient() {
        assertThat(answering("/ok", 200).ask("a.test", CLIENT).join()).isEqualTo(PermissionAnswer.YES);
        assertThat(answering("/empty", 204).ask("a.test", CLIENT).join()).isEqualTo(PermissionAnswer.YES);
        assertThat(answering("/forbidden", 403).ask("a.test", CLIENT).join()).isEqualTo(PermissionAnswer.NO);
        assertThat(answering("/missing", 404).ask("a.test", CLIENT).join()).isEqualTo(PermissionAnswer.NO);
        assertThat(answering("/moved", 302).ask("a.test", CLIENT).join()).as("a redirect, never followed")
                .isEqualTo(PermissionAnswer.NO);
        assertThat(queries).hasSize(5).allMatch(q -> q.equals("domain=a.test&client=127.0.0.1"));
    }

    @Test
    void aServerErrorTooManyRequestsOrTimeoutIsNoAnswerNotARefusal() {
        for (int status : List.of(500, 502, 503, 504, 429, 408)) {
            assertThat(answering("/s" + status, status).ask("a.test", CLIENT).join()).as("HTTP %d", status)
                    .isEqualTo(PermissionAnswer.NO_ANSWER);
        }
    }

    @Test
    void anEndpointThatNeverAnswersGivesNoAnswerWithinTwoSeconds() {
        server.createContext("/hangs", exchange -> await(release));
        long started = System.nanoTime();
        assertThat(endpoint("/hangs").ask("a.test", CLIENT).join()).isEqualTo(PermissionAnswer.NO_ANSWER);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).as("the 2 s bound").isGreaterThanOrEqualTo(Duration.ofMillis(1900)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void theStatusDecidesAndABodyThatNeverEndsIsNotWaitedFor() {
        server.createContext("/slow", exchange -> {
            exchange.sendResponseHeaders(200, 0); // chunked: a body follows, slowly
            exchange.getResponseBody().write("allowed, and more to come".getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
            await(release); // the rest of the body never comes while the test runs
            exchange.close();
        });
        long started = System.nanoTime();
        assertThat(endpoint("/slow").ask("a.test", CLIENT).join()).isEqualTo(PermissionAnswer.YES);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("decided on the status").isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void theLogNamesTheEndpointWithoutItsQueryOrPassword() throws Exception {
        answering("/check", 403);
        server.createContext("/busy", exchange -> respond(exchange, 503));
        int port = server.getAddress().getPort();
        String secretUrl = "http://operator:hunter2@127.0.0.1:" + port + "/check?token=s3cret";
        String log = StandardError.during(() -> {
            AskEndpoint refusing = new AskEndpoint(URI.create(secretUrl));
            assertThat(refusing.ask("a.test", CLIENT).join()).isEqualTo(PermissionAnswer.NO);
            assertThat(new AskEndpoint(URI.create("http://operator:hunter2@127.0.0.1:" + port + "/busy?token=s3cret"))
                    .ask("a.test", CLIENT).join()).isEqualTo(PermissionAnswer.NO_ANSWER);
            assertThat(new AskEndpoint(URI.create("http://operator:hunter2@127.0.0.1:" + Ports.free() + "/gone?token=s3cret"))
                    .ask("a.test", CLIENT).join()).isEqualTo(PermissionAnswer.NO_ANSWER);
            assertThat(refusing).hasToString("http://127.0.0.1:" + port + "/check");
        });
        assertThat(log).contains("http://127.0.0.1:" + port + "/check", "/busy", "/gone")
                .doesNotContain("s3cret").doesNotContain("hunter2").doesNotContain("operator");
        assertThat(queries).as("the endpoint still gets its own query").contains("token=s3cret&domain=a.test&client=127.0.0.1");
    }

    private final CountDownLatch release = new CountDownLatch(1);

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }


    static void respond(HttpExchange exchange, int status) throws IOException {
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }
}
