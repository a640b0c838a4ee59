package dev.autotls.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofSeconds(10), Duration.ofHours(1), new Random(7));
    private final Instant now = Instant.parse("2026-11-22T00:00:00Z");

    @Test
    void doublesFromInitialWithinJitter() {
        for (int failures = 1; failures <= 5; failures++) {
            long base = 10_000L << (failures - 1);
            assertThat(backoff.delay(failures).toMillis()).isBetween((long) (base * 0.8), (long) (base * 1.2));
        }
    }

    @Test
    void neverExceedsTheCapPlusJitter() {
        assertThat(backoff.delay(1000).toMillis()).isBetween(2_880_000L, 4_320_000L);
    }

    @Test
    void jitterSpreadsRetriesOfManyInstances() {
        long distinct = java.util.stream.IntStream.range(0, 50).mapToLong(i -> backoff.delay(3).toMillis()).distinct().count();
        assertThat(distinct).isGreaterThan(40);
    }

    @Test
    void honoursALaterRetryAfter() {
        Instant retryAfter = now.plus(Duration.ofMinutes(30));
        assertThat(backoff.nextAttempt(1, now, Optional.of(retryAfter))).isEqualTo(retryAfter);
    }

    @Test
    void anEarlierRetryAfterDoesNotShortenTheBackoff() {
        Instant next = backoff.nextAttempt(3, now, Optional.of(now.plusSeconds(1)));
        assertThat(next).isAfter(now.plusSeconds(30));
    }
}
