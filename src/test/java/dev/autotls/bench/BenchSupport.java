package dev.autotls.bench;

import dev.autotls.maintenance.TaskScheduler;
import java.lang.management.ManagementFactory;
import java.time.Instant;

/** Small helpers shared by the benchmark programs (run by scripts/bench-tls.sh, not by the test suite). */
final class BenchSupport {
    private BenchSupport() {
    }

    /** A scheduler that never runs anything: benchmarks measure serving, not maintenance. */
    static TaskScheduler idleScheduler() {
        return new TaskScheduler() {
            @Override
            public Cancellable schedule(Runnable task, Instant at) {
                return () -> { };
            }

            @Override
            public void close() {
            }
        };
    }

    /** Heap in use after a full collection, in MiB. */
    static long heapAfterGcMiB() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
    }
}
