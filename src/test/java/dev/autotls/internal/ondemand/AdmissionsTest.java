package dev.autotls.internal.ondemand;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.config.RateLimit;
import dev.autotls.testing.MutableClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The queue of allowed names waiting for an order slot: bounded, so a flood of allowed names cannot grow it without end. */
class AdmissionsTest {

    @Test
    void theQueueHoldsAtMostItsLimitAndANameQueuedAlreadyIsNoNewOne() {
        // not started: nothing is admitted, so every request stays queued
        Admissions admissions = new Admissions(null, RateLimit.parse("10/1m"), 10_000,
                new MutableClock(Instant.parse("2026-12-01T00:00:00Z")), (name, why) -> { });
        for (int i = 0; i < Admissions.QUEUE_LIMIT; i++) {
            assertThat(admissions.request("n" + i + ".test")).as("name %d", i).isTrue();
        }
        assertThat(admissions.request("one-more.test")).as("beyond the limit").isFalse();
        assertThat(admissions.request("n7.test")).as("queued already").isTrue();
        assertThat(admissions.queued()).isEqualTo(Admissions.QUEUE_LIMIT);
    }
}
