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
 * makes of the answer. One per session; the record is kept per sending thread, so the record read
 * after a failure is that operation's answer even where two threads share a session.
 * Everything else is the wrapped client's.
 */
final class ObservedHttpClient extends HttpClient {
    private final HttpClient delegate;
    private final Clock clock;
    /**
     * The last exchange each thread made through this client. acme4j sends on the calling
     * thread, and a session (the primary one) may serve the warm start and the first order at
     * once, so the record is the sending thread's: what an operation reads after its failure
     * is its own answer. Owned by this client and read only by {@link AcmeClient}.
     */
    private final ThreadLocal<CaExchange> last = new ThreadLocal<>();

    ObservedHttpClient(HttpClient delegate, Clock clock) {
        this.delegate = delegate;
        this.clock = clock;
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        try {
            HttpResponse<T> response = delegate.send(request, handler);
            last.set(CaExchange.answered(request.uri(), response.statusCode(), response.headers(), clock.instant()));
            return response;
        } catch (IOException e) {
            last.set(CaExchange.noAnswer(request.uri()));
            throw e;
        }
    }

    /** What the calling thread last sent to the CA through this client and what came back, if anything since {@link #forget}. */
    Optional<CaExchange> last() {
        return Optional.ofNullable(last.get());
    }

    /** Starts a new operation on the calling thread: nothing of an earlier one may be mistaken for its answer. */
    void forget() {
        last.remove();
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
