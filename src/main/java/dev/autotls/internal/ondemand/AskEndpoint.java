package dev.autotls.internal.ondemand;

import dev.autotls.internal.names.IpAddresses;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code autotls.on-demand.ask}: {@code GET URL?domain=NAME&client=ADDRESS}, the query parameter
 * named as Caddy's {@code ask} names it so existing endpoints work. A 2xx status allows; a redirect
 * (never followed: the endpoint must answer itself) and any other 3xx or 4xx status refuse. A 5xx,
 * 429 (too many requests) or 408 (request timeout) says the endpoint could not decide now, not that
 * it refused: like no answer within {@link #TIMEOUT} (connection included) it is
 * {@link PermissionAnswer#NO_ANSWER}, which a handshake treats as a refusal but a renewal does not,
 * so a 502 from a proxy while the endpoint is being deployed never unmanages every customer's name.
 *
 * <p>The answer is the status alone: the body is never read (its subscription is cancelled as the
 * headers arrive), so an endpoint that sends a slow or endless body still answers at once. The URL
 * may carry a secret (a token in its query, a user and password): the log names it only as
 * scheme, host, port and path.
 */
final class AskEndpoint implements PermissionSource {
    private static final Logger LOG = LoggerFactory.getLogger(AskEndpoint.class);
    /** The whole exchange, connecting included. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final URI endpoint;
    /** The endpoint as the log shows it: no query, no user information. */
    private final String shown;
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();

    AskEndpoint(URI endpoint) {
        this.endpoint = endpoint;
        this.shown = shown(endpoint);
    }

    /** {@code scheme://host:port/path} of {@code uri}, leaving out what may be secret (its query, user and password). */
    static String shown(URI uri) {
        return uri.getScheme() + "://" + (uri.getHost() == null ? "" : uri.getHost())
                + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    @Override
    public CompletableFuture<PermissionAnswer> ask(String name, InetAddress client) {
        URI uri = uriFor(name, client);
        // the request's own timeout ends at the headers, the connect timeout bounds connecting; the one
        // below bounds the whole, so the 2 s hold however the time is spent
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("User-Agent", "autotls on-demand check")
                .GET().build();
        return this.client.sendAsync(request, info -> new StatusOnly(answerFor(info.statusCode())))
                .handle((response, failure) -> {
                    if (failure != null) {
                        LOG.warn("The on-demand permission check {} did not answer for {} ({}); refusing it for now.", shown,
                                name, failure.getCause() != null ? failure.getCause().toString() : failure.toString());
                        return PermissionAnswer.NO_ANSWER;
                    }
                    PermissionAnswer answer = response.body();
                    if (answer == PermissionAnswer.NO) {
                        LOG.info("The on-demand permission check {} refused {} (HTTP {}).", shown, name, response.statusCode());
                    } else if (answer == PermissionAnswer.NO_ANSWER) {
                        LOG.warn("The on-demand permission check {} could not answer for {} (HTTP {}); refusing it for now.",
                                shown, name, response.statusCode());
                    }
                    return answer;
                })
                .completeOnTimeout(PermissionAnswer.NO_ANSWER, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** What {@code status} says: 2xx yes; 5xx, 429 and 408 no answer (the endpoint could not decide now); any other no. */
    static PermissionAnswer answerFor(int status) {
        if (status / 100 == 2) {
            return PermissionAnswer.YES;
        }
        if (status / 100 == 5 || status == 429 || status == 408) {
            return PermissionAnswer.NO_ANSWER;
        }
        return PermissionAnswer.NO;
    }

    /** The answer the status gave, complete at once; the body is cancelled unread (the connection is then closed). */
    private static final class StatusOnly implements HttpResponse.BodySubscriber<PermissionAnswer> {
        private final PermissionAnswer answer;

        StatusOnly(PermissionAnswer answer) {
            this.answer = answer;
        }

        @Override
        public CompletionStage<PermissionAnswer> getBody() {
            return CompletableFuture.completedStage(answer);
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.cancel();
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            // cancelled: nothing is read
        }

        @Override
        public void onError(Throwable throwable) {
            // the answer is known already
        }

        @Override
        public void onComplete() {
            // the answer is known already
        }
    }

    /** The endpoint with {@code domain} (and {@code client}, when known) added to whatever query it has. */
    URI uriFor(String name, InetAddress client) {
        String query = "domain=" + encode(name) + (client == null ? "" : "&client=" + encode(IpAddresses.text(client)));
        String base = endpoint.toString();
        return URI.create(base + (endpoint.getRawQuery() == null ? "?" : "&") + query);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** As the log names it: scheme, host, port and path only. */
    @Override
    public String toString() {
        return shown;
    }
}
