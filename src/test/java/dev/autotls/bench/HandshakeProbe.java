package dev.autotls.bench;

import dev.autotls.testing.TlsClient;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * One client thread that makes full TLS handshakes one after another (no session reuse)
 * while a load generator runs, and keeps each handshake's latency: h2load reports only the
 * mean and spread of its connect times, the issue asks for percentiles.
 */
final class HandshakeProbe implements AutoCloseable {
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private long[] nanos = new long[1024];
    private int count;
    private int failures;

    HandshakeProbe(int port, String serverName) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {TlsClient.trustAll()}, null);
        context.getClientSessionContext().setSessionCacheSize(1);
        thread = new Thread(() -> {
            while (running.get()) {
                long start = System.nanoTime();
                try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
                    SSLParameters parameters = socket.getSSLParameters();
                    parameters.setServerNames(List.of(new SNIHostName(serverName)));
                    socket.setSSLParameters(parameters);
                    socket.startHandshake();
                    socket.getSession().invalidate();
                    record(System.nanoTime() - start);
                } catch (Exception e) {
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

    @Override
    public void close() throws InterruptedException {
        if (thread.isAlive()) {
            finish();
        }
    }

    /** Handshake latencies in nanoseconds, and the handshakes that failed. */
    record Samples(long[] nanos, int failures) {
        /** Percentiles over these samples and {@code others} together. */
        Latencies latencies(Samples... others) {
            long[] all = nanos;
            int failed = failures;
            for (Samples other : others) {
                long[] joined = Arrays.copyOf(all, all.length + other.nanos.length);
                System.arraycopy(other.nanos, 0, joined, all.length, other.nanos.length);
                all = joined;
                failed += other.failures;
            }
            Arrays.sort(all);
            return new Latencies(all.length, failed, at(all, 0.50), at(all, 0.90), at(all, 0.99),
                    all.length == 0 ? 0 : all[all.length - 1] / 1e6);
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
