package dev.autotls.internal.engine;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads maintenance jobs run on, made at each start of an {@link dev.autotls.AutoTls},
 * whoever says when the jobs are due (its own scheduler or one a test injected). Threads are
 * made as jobs arrive, up to {@link #AT_ONCE}, and end after a while without work, so the pool
 * fits a set of certificates that grows and shrinks while it runs. It counts the jobs handed
 * to it and not finished, so a test that moves a clock can wait until they have run.
 */
public final class OrderWorkers implements Executor {
    /**
     * An order spends most of its time waiting on the CA and DNS, so eight at once keep two
     * cores busy (100 names took 6 s with four); they share one account, one CA circuit and
     * Retry-After, so the CA still sees one client.
     */
    static final int AT_ONCE = 8;
    /** An idle worker's thread ends after this; a renewal months later makes a new one. */
    private static final Duration IDLE_THREAD = Duration.ofSeconds(30);

    private final ThreadPoolExecutor pool;
    private final AtomicInteger pending = new AtomicInteger();

    private OrderWorkers() {
        AtomicInteger count = new AtomicInteger();
        pool = new ThreadPoolExecutor(AT_ONCE, AT_ONCE, IDLE_THREAD.toMillis(), TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "autotls-order-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    /** Daemon threads named {@code autotls-order-N}, at most {@link #AT_ONCE} at once. */
    public static OrderWorkers start() {
        return new OrderWorkers();
    }

    /** Runs {@code job} on a worker; after {@link #shutdownNow} it is dropped, as the instance is stopping. */
    @Override
    public void execute(Runnable job) {
        pending.incrementAndGet();
        try {
            pool.execute(() -> {
                try {
                    job.run();
                } finally {
                    pending.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException stopping) {
            pending.decrementAndGet();
        }
    }

    /** How many jobs run at once at most. */
    public int atOnce() {
        return pool.getMaximumPoolSize();
    }

    /** Whether no job is queued or running. */
    public boolean idle() {
        return pending.get() == 0;
    }

    /**
     * Interrupts running jobs and drops queued ones, then waits up to {@link #STOP_WAIT} for the
     * interrupted ones to end; called when the instance stops, so a stopped instance writes nothing
     * more to its store (a job in the middle of a save finishes it first).
     */
    public void shutdownNow() {
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(STOP_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                org.slf4j.LoggerFactory.getLogger(OrderWorkers.class).warn(
                        "A maintenance job did not end within {} of stopping; it ends on its own.", STOP_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How long stopping waits for the interrupted jobs: longer than a store write, shorter than anyone's patience. */
    private static final java.time.Duration STOP_WAIT = java.time.Duration.ofSeconds(5);
}
