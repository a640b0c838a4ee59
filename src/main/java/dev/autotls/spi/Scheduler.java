package dev.autotls.spi;

import java.time.Instant;

/**
 * Runs autotls's maintenance tasks at instants of the clock it was given. autotls makes its
 * own (one daemon thread) when none is injected; a test injects one that runs due tasks when
 * the test moves its clock, instead of waiting.
 *
 * <p>Contract: {@link #schedule} never runs the task on the calling thread before it returns,
 * even when {@code at} has passed (autotls schedules from inside its own tasks and under its
 * own locks); tasks run one after another or at once on threads the implementation owns;
 * {@link Cancellable#cancel} keeps a task that has not started from running; {@link #close}
 * drops tasks not yet started.
 */
public interface Scheduler extends AutoCloseable {

    /** Runs {@code task} at {@code at} (at once if that has passed). */
    Cancellable schedule(Runnable task, Instant at);

    /** Stops running tasks; tasks not yet started are dropped. */
    @Override
    void close();

    /** A scheduled task that can be called off. */
    @FunctionalInterface
    interface Cancellable {
        /** Calls the task off if it has not started; does nothing otherwise. */
        void cancel();
    }
}
