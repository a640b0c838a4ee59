package dev.autotls;

import dev.autotls.challenge.TlsAlpn01Strategy;
import dev.autotls.maintenance.TaskScheduler;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link TlsAlpn01Strategy#refreshFromStore()} every {@link TlsAlpn01Strategy#POLL_INTERVAL}
 * on the maintenance scheduler, so this instance answers tls-alpn-01 handshakes for orders
 * another instance placed, without the handshake ever touching the store. Started only when
 * some certificate may be validated with tls-alpn-01.
 */
final class TlsAlpnPoll {
    private static final Logger LOG = LoggerFactory.getLogger(TlsAlpnPoll.class);

    private final TlsAlpn01Strategy strategy;
    private final Clock clock;
    private volatile TaskScheduler scheduler;
    private volatile TaskScheduler.Cancellable scheduled;
    private volatile boolean running;

    TlsAlpnPoll(TlsAlpn01Strategy strategy, Clock clock) {
        this.strategy = strategy;
        this.clock = clock;
    }

    void start(TaskScheduler on) {
        scheduler = on;
        running = true;
        schedule();
    }

    void stop() {
        running = false;
        TaskScheduler.Cancellable current = scheduled;
        if (current != null) {
            current.cancel();
        }
    }

    private void schedule() {
        if (running) {
            scheduled = scheduler.schedule(this::pollThenReschedule, clock.instant().plus(TlsAlpn01Strategy.POLL_INTERVAL));
        }
    }

    private void pollThenReschedule() {
        try {
            strategy.refreshFromStore();
        } catch (RuntimeException e) {
            LOG.warn("Looking for tls-alpn-01 answers stored by other instances failed: {}", e.toString());
        }
        schedule();
    }
}
