package dev.autotls.internal;

import dev.autotls.AutoTlsListener;
import dev.autotls.OnDemandPermission;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.Scheduler;
import dev.autotls.spi.TxtPublisher;
import java.time.Clock;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * What an application or a test handed the builder in place of what autotls would make itself.
 *
 * @param store         the store to keep state in, or null: the one {@code autotls.storage} names (then owned and closed)
 * @param clock         the clock maintenance decides by
 * @param scheduler     where maintenance tasks run, or null: a daemon thread made at start
 * @param meterRegistry a Micrometer {@code MeterRegistry}, or null (typed loosely so Micrometer stays optional)
 * @param listeners     told of each order, renewal, failure and swap
 * @param dnsPublisher  validates every name by dns-01 through it instead of choosing a strategy, or null
 * @param random        the jitter of renewal times, back-offs and spreads; thread-safe (a seeded one makes tests repeatable)
 * @param onDemand      the permission check for names obtained on demand, given in code, or null
 */
public record Injections(CertificateStore store, Clock clock, Scheduler scheduler, Object meterRegistry,
                         List<AutoTlsListener> listeners, TxtPublisher dnsPublisher, RandomGenerator random,
                         OnDemandPermission onDemand) {
    public Injections {
        listeners = List.copyOf(listeners);
    }

    /** What the builder gives: everything but the randomness, which is a thread-safe {@link java.util.Random}. */
    public Injections(CertificateStore store, Clock clock, Scheduler scheduler, Object meterRegistry,
                      List<AutoTlsListener> listeners, TxtPublisher dnsPublisher, OnDemandPermission onDemand) {
        this(store, clock, scheduler, meterRegistry, listeners, dnsPublisher, new java.util.Random(), onDemand);
    }
}
