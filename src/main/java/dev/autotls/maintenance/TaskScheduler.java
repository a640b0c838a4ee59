package dev.autotls.maintenance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs maintenance tasks at instants of an injected {@link Clock}. The production
 * implementation is one daemon thread for all names; tests use a manual scheduler and
 * move the clock instead of waiting.
 */
public interface TaskScheduler extends AutoCloseable {

    /** Runs {@code task} at {@code at} (at once if that has passed). */
    Cancellable schedule(Runnable task, Instant at);

    /** Stops running tasks; tasks not yet started are dropped. */
    @Override
    void close();

    /** A scheduled task that can be called off. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    /** One daemon thread named {@code autotls-maintenance}, timed by {@code clock}. */
    static TaskScheduler system(Clock clock) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "autotls-maintenance");
            thread.setDaemon(true);
            return thread;
        });
        return new TaskScheduler() {
            @Override
            public Cancellable schedule(Runnable task, Instant at) {
                long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
                ScheduledFuture<?> future = executor.schedule(task, delay, TimeUnit.MILLISECONDS);
                return () -> future.cancel(false);
            }

            @Override
            public void close() {
                executor.shutdownNow();
            }
        };
    }
}
