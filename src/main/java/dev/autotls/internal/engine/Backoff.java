package dev.autotls.internal.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to try again after failures: exponential from {@code initial}, doubling per
 * failure up to {@code cap}, spread by +-20 % jitter so many instances never retry in
 * step, and never earlier than the CA's {@code Retry-After}.
 */
public final class Backoff {
    private static final double JITTER = 0.2;

    private final Duration initial;
    private final Duration cap;
    private final RandomGenerator random;

    public Backoff(Duration initial, Duration cap, RandomGenerator random) {
        if (initial.isNegative() || initial.isZero() || cap.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= cap, got " + initial + " and " + cap);
        }
        this.initial = initial;
        this.cap = cap;
        this.random = random;
    }

    /** The default: 10 s after the first failure, doubling to at most one hour. */
    public static Backoff standard(RandomGenerator random) {
        return new Backoff(Duration.ofSeconds(10), Duration.ofHours(1), random);
    }

    /**
     * The instant of the next attempt after {@code failures} consecutive failures (1 for the first).
     *
     * @param retryAfter the CA's Retry-After, if its last answer carried one
     */
    public Instant nextAttempt(int failures, Instant now, Optional<Instant> retryAfter) {
        Duration delay = delay(failures);
        Instant next = now.plus(delay);
        if (retryAfter.isPresent() && retryAfter.get().isAfter(next)) {
            return retryAfter.get();
        }
        return next;
    }

    /** The jittered delay after {@code failures} consecutive failures. */
    public Duration delay(int failures) {
        long capMillis = cap.toMillis();
        long base = initial.toMillis();
        for (int i = 1; i < failures && base < capMillis; i++) {
            base = Math.min(capMillis, base * 2);
        }
        double factor = 1 - JITTER + 2 * JITTER * random.nextDouble();
        return Duration.ofMillis(Math.max(1, Math.round(base * factor)));
    }
}
