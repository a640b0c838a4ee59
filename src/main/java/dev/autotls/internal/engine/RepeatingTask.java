package dev.autotls.internal.engine;

import dev.autotls.spi.Scheduler;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * One task run every {@code interval} on a {@link Scheduler}, from {@link #start} until
 * {@link #stop}. The next run is scheduled when one ends, so runs never overlap; a run that
 * throws is logged in one line and the repetition goes on. The polls of the store (certificates
 * other instances stored, their tls-alpn-01 answers) are made of it.
 */
public final class RepeatingTask {
    private final Runnable task;
    private final Duration interval;
    private final Clock clock;
    private final Logger log;
    private final String failure;
    private volatile Scheduler scheduler;
    private volatile Scheduler.Cancellable scheduled;
    private volatile boolean running;

    /**
     * @param log     where a failed run is said
     * @param failure what failed, as the start of that WARN line (e.g. "Looking for ... failed")
     */
    public RepeatingTask(Runnable task, Duration interval, Clock clock, Logger log, String failure) {
        this.task = task;
        this.interval = interval;
        this.clock = clock;
        this.log = log;
        this.failure = failure;
    }

    /** Runs the task one interval from now, and every interval after the previous run ended. */
    public void start(Scheduler on) {
        scheduler = on;
        running = true;
        schedule();
    }

    /** No further run starts; one under way finishes. */
    public void stop() {
        running = false;
        Scheduler.Cancellable current = scheduled;
        if (current != null) {
            current.cancel();
        }
    }

    private void schedule() {
        if (running) {
            scheduled = scheduler.schedule(this::runThenReschedule, clock.instant().plus(interval));
        }
    }

    private void runThenReschedule() {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.warn("{}: {}", failure, e.toString());
        }
        schedule();
    }
}
