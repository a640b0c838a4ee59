package dev.autotls.bench;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;

/**
 * One client thread that makes full TLS handshakes one after another (no session reuse)
 * while a load generator runs, and keeps each handshake's latency: h2load reports only the
 * mean and spread of its connect times, the issue asks for percentiles.
 */
final class HandshakeProbe {
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private long[] nanos = new long[1024];
    private int count;
    private int failures;

    HandshakeProbe(int port, String serverName) throws Exception {
        SSLContext context = FullHandshakes.clientContext();
        thread = new Thread(() -> {
            while (running.get()) {
                long start = System.nanoTime();
                try {
                    FullHandshakes.handshake(context, port, serverName);
                    record(System.nanoTime() - start);
                } catch (IOException e) {
                    failures++;
                }
            }
        }, "handshake-probe");
        thread.start();
    }

    private void record(long latency) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = latency;
    }

    /** Stops the probe; the handshakes it made. */
    Samples finish() throws InterruptedException {
        running.set(false);
        thread.join();
        return new Samples(Arrays.copyOf(nanos, count), failures);
    }

    /** Handshake latencies in nanoseconds, and the handshakes that failed. */
    record Samples(long[] nanos, int failures) {
        /** These samples and {@code other}'s together. */
        Samples plus(Samples other) {
            long[] joined = Arrays.copyOf(nanos, nanos.length + other.nanos.length);
            System.arraycopy(other.nanos, 0, joined, nanos.length, other.nanos.length);
            return new Samples(joined, failures + other.failures);
        }

        Latencies latencies() {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            return new Latencies(sorted.length, failures, at(sorted, 0.50), at(sorted, 0.90), at(sorted, 0.99),
                    sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
        }

        private static double at(long[] sorted, double quantile) {
            return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] / 1e6;
        }
    }

    /** Handshake latencies in milliseconds. */
    record Latencies(int handshakes, int failures, double p50, double p90, double p99, double max) {
        @Override
        public String toString() {
            return String.format("p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (%d handshakes, %d failed)",
                    p50, p90, p99, max, handshakes, failures);
        }
    }
}
