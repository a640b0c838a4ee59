package dev.autotls.internal.engine;

import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.Scheduler;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the store's notifications ({@link CertificateStore#whenChanged}), which come on the
 * store's own thread and often in bursts, into looks on the engine's scheduler: at most one look
 * waits at a time. The mark is cleared when the look starts, so a notification during a running
 * look brings exactly one more look, and any number while one waits bring none more. Looks start
 * at least {@link #SPACING} apart: a steady stream of notifications (many instances renewing at
 * once) brings a look each quarter second, not one per notification, each a sync of every instance.
 */
final class NotifiedLooks implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(NotifiedLooks.class);

    private final Runnable look;
    private final Clock clock;
    static final Duration SPACING = Duration.ofMillis(250);

    private final AtomicBoolean waiting = new AtomicBoolean();
    /** When the last look started: the next starts no sooner than {@link #SPACING} after. */
    private volatile Instant lastLook = Instant.MIN;
    private volatile Scheduler scheduler;
    /** The store's notifications while started, or null when it gives none. */
    private AutoCloseable listening;

    NotifiedLooks(Runnable look, Clock clock) {
        this.look = look;
        this.clock = clock;
    }

    /** Asks {@code store} for notifications, each bringing a look on {@code on}. */
    void start(Scheduler on, CertificateStore store) {
        waiting.set(false);
        scheduler = on;
        try {
            AutoCloseable handle = store.whenChanged(this).orElse(null);
            synchronized (this) {
                listening = handle;
            }
        } catch (IOException e) {
            LOG.debug("the store gives no notifications ({}): looking every sync interval only", e.getMessage());
        }
    }

    /** No more notifications, and no look from one that came already. */
    void stop() {
        scheduler = null;
        AutoCloseable handle;
        synchronized (this) {
            handle = listening;
            listening = null;
        }
        if (handle != null) {
            try {
                handle.close();
            } catch (Exception e) {
                LOG.debug("could not stop the store's notifications: {}", e.toString());
            }
        }
    }

    /** A notification: schedules a look unless one waits already. Never looks on the calling thread. */
    @Override
    public void run() {
        Scheduler on = scheduler;
        if (on == null || !waiting.compareAndSet(false, true)) {
            return;
        }
        try {
            Instant now = clock.instant();
            Instant spaced = lastLook.plus(SPACING);
            on.schedule(this::lookNow, spaced.isAfter(now) ? spaced : now);
        } catch (RuntimeException stopping) {
            waiting.set(false); // the scheduler is closing: the next start looks anyway
        }
    }

    private void lookNow() {
        waiting.set(false);
        lastLook = clock.instant();
        if (scheduler != null) {
            look.run();
        }
    }
}
