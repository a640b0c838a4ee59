package dev.autotls.testing;

import dev.autotls.spi.Scheduler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A scheduler that runs due tasks only when the test says so, on the test's thread, by a {@link MutableClock}. */
public final class ManualScheduler implements Scheduler {
    private final MutableClock clock;
    private final List<Task> tasks = new ArrayList<>();

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

    /** Runs every task due by the clock's now (tasks they schedule for now too); returns how many ran. */
    public int runDue() {
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
            if (++ran > 1000) {
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
