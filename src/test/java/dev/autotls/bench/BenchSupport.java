package dev.autotls.bench;

import dev.autotls.spi.Scheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

/** Small helpers shared by the benchmark programs (run by scripts/bench-tls.sh, not by the test suite). */
final class BenchSupport {
    private BenchSupport() {
    }

    /** A scheduler that never runs anything: benchmarks measure serving, not maintenance. */
    static Scheduler idleScheduler() {
        return new Scheduler() {
            @Override
            public Cancellable schedule(Runnable task, Instant at) {
                return () -> { };
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * Appends lines to a fragment of BENCHMARKS.md in {@code $BENCH_REPORT_DIR} (set by
     * scripts/bench.sh, which assembles the fragments); nothing when it is unset.
     */
    static void report(String fragment, String... lines) {
        String folder = System.getenv("BENCH_REPORT_DIR");
        if (folder == null || folder.isEmpty()) {
            return;
        }
        try {
            Files.write(Path.of(folder, fragment), List.of(lines), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the report fragment " + fragment, e);
        }
    }

    /** Prints and reports whether a target holds, in the words of scripts/lib.sh's {@code target}. */
    static void target(String fragment, String what, String actual, String limit, boolean met) {
        report(fragment, target(what, actual, limit, met));
    }

    /** Prints whether a target holds and returns its report line, for fragments that collect targets apart. */
    static String target(String what, String actual, String limit, boolean met) {
        String verdict = met ? "met" : "**missed**";
        System.out.printf("target: %s: %s (limit %s): %s%n", what, actual, limit, verdict);
        return "- " + what + ": " + actual + ", target " + limit + ": " + verdict;
    }

    /** Whether an earlier run (another JDK's) already wrote to {@code fragment}. */
    static boolean hasFragment(String fragment) {
        String folder = System.getenv("BENCH_REPORT_DIR");
        return folder != null && !folder.isEmpty() && Files.exists(Path.of(folder, fragment));
    }

    /** Heap in use after a full collection, in MiB. */
    static long heapAfterGcMiB() {
        return heapAfterGcBytes() / (1024 * 1024);
    }

    /** Heap in use after a full collection, in bytes. */
    static long heapAfterGcBytes() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
