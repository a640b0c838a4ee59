package dev.autotls.internal.acme;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The HTTP client acme4j talks to the CA through, recording its last exchange ({@link CaExchange})
 * so that Retry-After and the host of a failed connection are known whatever exception acme4j
 * makes of the answer. One per session, and a session is used by one ordering thread at a time
 * ({@link SessionPool}), so the record read after a failure is that operation's answer.
 * Everything else is the wrapped client's.
 */
final class ObservedHttpClient extends HttpClient {
    private final HttpClient delegate;
    private final Clock clock;
    /** The last exchange this client made (its session's; see {@link #last}). */
    private volatile CaExchange last;

    ObservedHttpClient(HttpClient delegate, Clock clock) {
        this.delegate = delegate;
        this.clock = clock;
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        try {
            HttpResponse<T> response = delegate.send(request, handler);
            last = CaExchange.answered(request.uri(), response.statusCode(), response.headers(), clock.instant());
            return response;
        } catch (IOException e) {
            last = CaExchange.noAnswer(request.uri());
            throw e;
        }
    }

    /** What this client last sent to the CA and what came back, if anything since {@link #forget}. */
    Optional<CaExchange> last() {
        return Optional.ofNullable(last);
    }

    /** Starts a new operation: nothing of an earlier one may be mistaken for its answer. */
    void forget() {
        last = null;
    }

    /** The record of {@code session}'s client: each session (one per ordering thread) has a client of its own. */
    static Optional<ObservedHttpClient> of(org.shredzone.acme4j.Session session) {
        return session.getHttpClient() instanceof ObservedHttpClient observed ? Optional.of(observed) : Optional.empty();
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return delegate.sendAsync(request, handler); // acme4j sends synchronously; nothing to record here
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                            HttpResponse.PushPromiseHandler<T> push) {
        return delegate.sendAsync(request, handler, push);
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return delegate.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return delegate.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
        return delegate.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return delegate.proxy();
    }

    @Override
    public SSLContext sslContext() {
        return delegate.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
        return delegate.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return delegate.authenticator();
    }

    @Override
    public Version version() {
        return delegate.version();
    }

    @Override
    public Optional<Executor> executor() {
        return delegate.executor();
    }
}
