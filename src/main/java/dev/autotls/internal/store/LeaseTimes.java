package dev.autotls.internal.store;

import java.time.Duration;

/**
 * How long a lease lasts without a heartbeat, and how often the holder renews it. The defaults
 * (30 s, 5 s) let a crashed holder's work be taken over within half a minute while five missed
 * heartbeats in a row are still survived; tests of expiry shorten both.
 */
public record LeaseTimes(Duration lease, Duration heartbeat) {
    public static final LeaseTimes STANDARD = new LeaseTimes(Duration.ofSeconds(30), Duration.ofSeconds(5));

    public LeaseTimes {
        if (heartbeat.isNegative() || heartbeat.isZero() || heartbeat.compareTo(lease) >= 0) {
            throw new IllegalArgumentException("a lease's heartbeat (" + heartbeat + ") must be positive and shorter than the lease ("
                    + lease + ")");
        }
    }
}
