package dev.autotls;

import dev.autotls.acme.ChallengeStrategy;
import dev.autotls.dns.AuthoritativeDns;
import dev.autotls.maintenance.TaskScheduler;
import dev.autotls.spi.CertificateStore;
import java.time.Clock;

/**
 * The parts of {@link AutoTls.Builder} that are objects rather than settings: what an
 * application or a test supplies in place of what autotls would make itself (the store, the
 * DNS client, the clock, the scheduler, a strategy, listeners, a metrics registry). Kept apart
 * from {@link AutoTls} so the component's file holds its life cycle, not its wiring options.
 */
abstract class InjectionPoints<B extends InjectionPoints<B>> extends SettingsBuilder<B> {
    final Listeners listeners = new Listeners();
    Clock clock = Clock.systemUTC();
    TaskScheduler scheduler;
    ChallengeStrategy strategy;
    CertificateStore store;
    AuthoritativeDns dns;
    Object meterRegistry;

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** Keeps state in {@code store} instead of the one {@code autotls.storage} names (it is not closed by AutoTls). */
    public B store(CertificateStore store) {
        this.store = store;
        return self();
    }

    /**
     * Publishes expiry gauges, order and failure counters and an order timer to this
     * Micrometer registry (Micrometer is an optional dependency: add it to use this).
     */
    public B meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
        this.meterRegistry = registry;
        return self();
    }

    /** The DNS client for preflight checks, instead of one built from {@code autotls.dns.resolvers}. */
    public B dns(AuthoritativeDns dns) {
        this.dns = dns;
        return self();
    }

    /** Also tells {@code listener} of each order, renewal, failure and swap (see {@link AutoTlsListener}). */
    public B listener(AutoTlsListener listener) {
        listeners.add(listener);
        return self();
    }

    /** The clock maintenance decisions are made by (renewal times, backoff). */
    public B clock(Clock clock) {
        this.clock = clock;
        return self();
    }

    /** Where maintenance jobs run; an injected scheduler runs them on its own thread. */
    public B scheduler(TaskScheduler scheduler) {
        this.scheduler = scheduler;
        return self();
    }

    /**
     * Validates every name with this strategy instead of choosing one (for example a
     * {@link dev.autotls.challenge.Dns01Strategy} that publishes through your own DNS).
     */
    public B challengeStrategy(ChallengeStrategy strategy) {
        this.strategy = strategy;
        return self();
    }

}
