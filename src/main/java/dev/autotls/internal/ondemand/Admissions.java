package dev.autotls.internal.ondemand;

import dev.autotls.internal.config.RateLimit;
import dev.autotls.internal.engine.ManagedSet;
import dev.autotls.spi.Scheduler;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names allowed on demand that wait to become managed, in the order they were allowed: let in
 * through {@link ManagedSet#admitOnDemand} as the site's {@code autotls.on-demand.order-limit}
 * allows. The scheduler says when; the admission (a read and a write of the store under the set's
 * lease, which may wait for it) runs on the order workers, so it never holds up the one scheduler
 * thread every other timer shares, nor a handshake's thread.
 * A name stays queued after the handshake that asked for it gave up, so each allowed name is
 * ordered once, at the limit's pace.
 */
final class Admissions {
    private static final Logger LOG = LoggerFactory.getLogger(Admissions.class);
    /** After the store failed: try again this soon. */
    static final Duration RETRY = Duration.ofSeconds(5);
    /**
     * Names that may wait for a slot at once: at the default limit of 10 a minute, 100 minutes of orders. Beyond
     * it a flood of allowed names is refused at its handshake instead of growing the queue (and memory) without end.
     */
    static final int QUEUE_LIMIT = 1_000;

    private final ManagedSet set;
    private final RateLimit limit;
    private final int maxNames;
    private final Clock clock;
    /** Told of each name that cannot be obtained on demand, with the sentence why. */
    private final BiConsumer<String, String> unusable;
    /** Guarded by this object's lock, as are the two fields below. */
    private final Set<String> queued = new LinkedHashSet<>();
    private Scheduler scheduler;
    private Executor workers;
    private Scheduler.Cancellable next;
    private Instant nextAt;

    Admissions(ManagedSet set, RateLimit limit, int maxNames, Clock clock, BiConsumer<String, String> unusable) {
        this.set = set;
        this.limit = limit;
        this.maxNames = maxNames;
        this.clock = clock;
        this.unusable = unusable;
    }

    synchronized void start(Scheduler on, Executor workers) {
        scheduler = on;
        this.workers = workers;
        if (!queued.isEmpty()) {
            runAt(clock.instant());
        }
    }

    synchronized void stop() {
        if (next != null) {
            next.cancel();
        }
        next = null;
        nextAt = null;
        scheduler = null;
        workers = null;
    }

    /**
     * Queues {@code name} (canonical, allowed) to become managed as soon as the limit lets it in; false (nothing
     * queued) when {@link #QUEUE_LIMIT} other names wait already.
     */
    synchronized boolean request(String name) {
        if (queued.contains(name)) {
            return true;
        }
        if (queued.size() >= QUEUE_LIMIT) {
            return false;
        }
        queued.add(name);
        if (scheduler != null) {
            runAt(clock.instant());
        }
        return true;
    }

    /** How many names wait for a slot of the order limit. */
    synchronized int queued() {
        return queued.size();
    }

    /** Runs an admission at {@code at} unless one is due by then already. */
    private void runAt(Instant at) {
        if (nextAt != null && !nextAt.isAfter(at)) {
            return;
        }
        if (next != null) {
            next.cancel();
        }
        nextAt = at;
        Executor on = workers;
        next = scheduler.schedule(() -> {
            try {
                on.execute(this::admit);
            } catch (RejectedExecutionException stopping) {
                synchronized (this) { // stopped meanwhile: the next start admits what is queued
                    next = null;
                    nextAt = null;
                }
            }
        }, at);
    }

    /** One admission of everything queued; then another when the limit frees a slot, while names remain. */
    void admit() {
        List<String> candidates;
        synchronized (this) {
            next = null;
            nextAt = null;
            candidates = new ArrayList<>(queued);
        }
        if (candidates.isEmpty()) {
            return;
        }
        Instant again = null;
        try {
            ManagedSet.Admission admission = set.admitOnDemand(candidates, limit, maxNames);
            Set<String> managed = set.names();
            synchronized (this) {
                queued.removeAll(admission.admitted());
                queued.removeAll(admission.unusable().keySet());
                queued.removeIf(managed::contains); // another instance admitted it: it is managed here now too
            }
            admission.unusable().forEach((name, why) -> {
                LOG.info("Not obtaining {} on demand: {}.", name, why);
                unusable.accept(name, why);
            });
            again = admission.nextSlot().orElse(null);
            if (again != null) {
                LOG.debug("on-demand order limit {} reached; {} names wait until {}", limit, queued(), again);
            }
        } catch (IOException e) {
            again = clock.instant().plus(RETRY);
            LOG.warn("Could not add names obtained on demand to the store ({}); trying again at {}.", e.getMessage(), again);
        }
        synchronized (this) {
            if (again != null && !queued.isEmpty() && scheduler != null) {
                runAt(again);
            }
        }
    }
}
