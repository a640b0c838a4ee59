package dev.autotls.testing;

import dev.autotls.internal.engine.JobsObserver;
import dev.autotls.spi.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * A scheduler that runs due tasks only when the test says so, on the test's thread, by a
 * {@link MutableClock}. The maintenance jobs those tasks start run on AutoTls's order workers, as
 * in production; {@link #runDue} waits for them to finish (and runs what they make due) before it
 * returns, so a test moves the clock, runs what is due and looks at the outcome.
 */
public final class ManualScheduler implements Scheduler, JobsObserver {
    /** How long {@link #runDue} waits for the jobs it started before it fails the test. */
    private static final Duration JOBS_DEADLINE = Duration.ofMinutes(3);
    private final MutableClock clock;
    private final List<Task> tasks = new ArrayList<>();
    private final List<BooleanSupplier> idle = new CopyOnWriteArrayList<>();

    public ManualScheduler(MutableClock clock) {
        this.clock = clock;
    }

    private static final class Task {
        final Runnable runnable;
        final Instant at;
        volatile boolean cancelled;

        Task(Runnable runnable, Instant at) {
            this.runnable = runnable;
            this.at = at;
        }
    }

    @Override
    public synchronized Cancellable schedule(Runnable runnable, Instant at) {
        Task task = new Task(runnable, at);
        tasks.add(task);
        return () -> task.cancelled = true;
    }

    @Override
    public void observe(BooleanSupplier condition) {
        idle.add(condition);
    }

    /**
     * Runs every task due by the clock's now, waits until the jobs they started have finished,
     * and repeats while that made more tasks due; returns how many tasks ran.
     */
    public int runDue() {
        int ran = 0;
        while (true) {
            int now = runDueOnce(ran);
            ran += now;
            Await.until("the maintenance jobs started by the due tasks to finish", JOBS_DEADLINE,
                    () -> idle.stream().allMatch(BooleanSupplier::getAsBoolean));
            if (now == 0 || !anyDue()) {
                return ran;
            }
        }
    }

    /** How many tasks wait to run (not called off): what an engine keeps scheduled. */
    public synchronized int pending() {
        return (int) tasks.stream().filter(t -> !t.cancelled).count();
    }

    private synchronized boolean anyDue() {
        return tasks.stream().anyMatch(t -> !t.cancelled && !t.at.isAfter(clock.instant()));
    }

    private int runDueOnce(int before) {
        int ran = 0;
        while (true) {
            Task next;
            synchronized (this) {
                tasks.removeIf(t -> t.cancelled);
                next = tasks.stream().filter(t -> !t.at.isAfter(clock.instant()))
                        .min((a, b) -> a.at.compareTo(b.at)).orElse(null);
                if (next == null) {
                    return ran;
                }
                tasks.remove(next);
            }
            next.runnable.run();
            if (++ran + before > 1000) {
                throw new AssertionError("more than 1000 tasks due at once: a task keeps rescheduling itself for now");
            }
        }
    }


    @Override
    public void close() {
        synchronized (this) {
            tasks.clear();
        }
    }
}
