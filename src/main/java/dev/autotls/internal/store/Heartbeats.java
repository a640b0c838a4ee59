package dev.autotls.internal.store;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that renews a store's leases, made when the first lease is taken and ended
 * with the store, so a store that never locks costs no thread.
 */
public final class Heartbeats implements AutoCloseable {
    private final String threadName;
    private ScheduledExecutorService executor;

    public Heartbeats(String threadName) {
        this.threadName = threadName;
    }

    synchronized ScheduledFuture<?> every(long millis, Runnable task) {
        if (executor == null) {
            ScheduledThreadPoolExecutor made = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, threadName);
                thread.setDaemon(true);
                return thread;
            });
            made.setRemoveOnCancelPolicy(true);
            executor = made;
        }
        return executor.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }
}
