package dev.autotls.internal.acmedns;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * Per-key token buckets (keys are client addresses): {@code burst} requests at once, then
 * {@code perMinute} a minute. Buckets of quiet clients are dropped after ten minutes.
 */
final class RateLimiter {
    private final int burst;
    private final double tokensPerNano;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10)).maximumSize(100_000).build();

    RateLimiter(int burst, int perMinute) {
        this.burst = burst;
        this.tokensPerNano = perMinute / 60e9;
    }

    /** Takes one token for {@code key}; false when its bucket is empty. */
    boolean tryAcquire(String key) {
        return buckets.get(key, k -> new Bucket(burst)).take(burst, tokensPerNano);
    }

    /** Whether {@code key} would be refused right now, without taking a token. */
    boolean exhausted(String key) {
        Bucket bucket = buckets.getIfPresent(key);
        return bucket != null && !bucket.has(burst, tokensPerNano);
    }

    private static final class Bucket {
        private double tokens;
        private long last = System.nanoTime();

        Bucket(int burst) {
            this.tokens = burst;
        }

        synchronized boolean take(int burst, double rate) {
            refill(burst, rate);
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }

        synchronized boolean has(int burst, double rate) {
            refill(burst, rate);
            return tokens >= 1;
        }

        private void refill(int burst, double rate) {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - last) * rate);
            last = now;
        }
    }
}
