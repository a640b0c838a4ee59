package dev.autotls.internal.ondemand;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Instant;

/** Caffeine's time from the injected clock, so the caches' expiry moves with it (tests move it instead of sleeping). */
final class Tickers {
    private Tickers() {
    }

    static Ticker of(Clock clock) {
        return () -> {
            Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        };
    }
}
