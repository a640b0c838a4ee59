package dev.autotls.internal.ondemand;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.autotls.internal.config.RateLimit;
import dev.autotls.internal.engine.Listeners;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks the permission check, at most once per name while its answer is cached: a yes for
 * {@link #YES_FOR}, a no (or no answer) for {@link #NO_FOR}. Handshakes asking for the same name at
 * the same moment share one check. A check caused by a handshake counts against its client's
 * {@code autotls.on-demand.checks-per-client}; a cached answer costs nothing. Expiry follows the
 * injected clock.
 */
public final class PermissionChecks {
    static final Duration YES_FOR = Duration.ofMinutes(10);
    static final Duration NO_FOR = Duration.ofMinutes(1);
    /** At most this many names' answers are kept (a flood of random names evicts the oldest, never grows memory). */
    static final int CACHED = 100_000;

    private final PermissionSource source;
    private final ClientLimiter perClient;
    private final OnDemandCounters counters;
    private final Listeners listeners;
    private final AsyncCache<String, PermissionAnswer> answers;

    PermissionChecks(PermissionSource source, RateLimit perClient, Clock clock, OnDemandCounters counters, Listeners listeners) {
        this.source = source;
        this.perClient = new ClientLimiter(perClient, clock);
        this.counters = counters;
        this.listeners = listeners;
        this.answers = Caffeine.newBuilder().ticker(Tickers.of(clock)).maximumSize(CACHED).executor(Runnable::run)
                .expireAfter(new Expiry<String, PermissionAnswer>() {
                    @Override
                    public long expireAfterCreate(String name, PermissionAnswer answer, long now) {
                        return (answer.allows() ? YES_FOR : NO_FOR).toNanos();
                    }

                    @Override
                    public long expireAfterUpdate(String name, PermissionAnswer answer, long now, long current) {
                        return expireAfterCreate(name, answer, now);
                    }

                    @Override
                    public long expireAfterRead(String name, PermissionAnswer answer, long now, long current) {
                        return current;
                    }
                }).buildAsync();
    }

    /** The answer cached for {@code name} (canonical) or being asked now; null when there is none. */
    CompletableFuture<PermissionAnswer> known(String name) {
        return answers.getIfPresent(name);
    }

    /**
     * Counts one check caused by a handshake of {@code client} (null when the connection shows none: all such
     * handshakes share one limit) if its
     * {@code autotls.on-demand.checks-per-client} allows one now; false (nothing counted) if not.
     */
    boolean mayCheck(InetAddress client) {
        return perClient.tryAcquire(client);
    }

    /**
     * The answer for {@code name} (canonical): cached, being asked already (handshakes asking at the
     * same moment share one check), or asked now. The cache's mapping function only makes the stage;
     * the check starts after the cache returned it, so no check (the application's code included) ever
     * runs inside the cache's lock, where it would hold up every other name of the same bin.
     *
     * @param client null when no client asks (renewal)
     */
    CompletableFuture<PermissionAnswer> answer(String name, InetAddress client) {
        CompletableFuture<PermissionAnswer> mine = new CompletableFuture<>();
        CompletableFuture<PermissionAnswer> found = answers.get(name, (key, executor) -> mine);
        if (found == mine) {
            ask(name, client).whenComplete((answer, failure) -> mine.complete(failure == null ? answer : PermissionAnswer.NO_ANSWER));
        }
        return found;
    }

    /**
     * The answer before renewing {@code name} (no client asks): a cached one (a yes given minutes ago
     * stands), else asked now, waiting for it on the calling (maintenance) thread up to {@code bound}.
     */
    PermissionAnswer forRenewal(String name, Duration bound) throws InterruptedException {
        CompletableFuture<PermissionAnswer> answer = answer(name, null);
        try {
            return answer.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return PermissionAnswer.NO_ANSWER;
        }
    }

    private CompletableFuture<PermissionAnswer> ask(String name, InetAddress client) {
        counters.asked();
        return source.ask(name, client).thenApply(answer -> {
            listeners.onDemandChecked(name, client, answer.allows());
            return answer;
        });
    }

    @Override
    public String toString() {
        return source.toString();
    }
}
