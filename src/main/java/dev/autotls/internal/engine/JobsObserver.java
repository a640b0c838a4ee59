package dev.autotls.internal.engine;

import java.util.function.BooleanSupplier;

/**
 * An injected scheduler that wants to know when the jobs it started have finished on the order
 * workers: a test that moves its clock and runs what is due, then looks at the outcome, waits
 * on {@code idle} instead of the jobs running on its own thread (so it tests the production path).
 */
public interface JobsObserver {

    /** Called once at each start with a condition that holds while no job is queued or running. */
    void observe(BooleanSupplier idle);
}
