package dev.autotls.internal.engine;

import dev.autotls.spi.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The {@link Scheduler} autotls makes when none is injected: one daemon thread for all names, timed by a clock. */
public final class SystemScheduler {
    private SystemScheduler() {
    }

    /** One daemon thread named {@code autotls-maintenance}; made when AutoTls starts, ended when it stops. */
    public static Scheduler start(Clock clock) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "autotls-maintenance");
            thread.setDaemon(true);
            return thread;
        });
        return new Scheduler() {
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
