package dev.autotls.bench;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * Full TLS handshakes against one instance of {@link FleetBench}: waiting until a name's stored
 * certificate is served, the latency of handshakes one after another, and rates from two client
 * threads. A handshake counts as served only when it shows a stored certificate
 * ({@link BenchCertificates#isStored}), not autotls's temporary one.
 */
final class FleetHandshakes {
    private final SSLContext context;
    private final int port;

    FleetHandshakes(int port) throws GeneralSecurityException {
        this.context = FullHandshakes.clientContext();
        this.port = port;
    }

    /** The certificate served for {@code name} now; null if the handshake failed. */
    X509Certificate served(String name) {
        try {
            return FullHandshakes.leaf(context, port, name);
        } catch (IOException failed) {
            return null;
        }
    }

    /** Handshakes for {@code name} until one shows a stored certificate; {@link System#nanoTime} then, or -1 after {@code timeout}. */
    long untilStored(String name, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            X509Certificate leaf = served(name);
            if (leaf != null && BenchCertificates.isStored(leaf)) {
                return System.nanoTime();
            }
            Thread.sleep(5);
        }
        return -1;
    }

    /**
     * Handshakes one after another, alternating between {@code hot} and each of {@code names}, so
     * both meet the same state of the code (JIT) and of the machine; the latencies of each kind.
     * Failures, and temporary certificates, are counted apart.
     */
    HandshakeProbe.Samples[] alternating(String hot, List<String> names) {
        Timed hotOnes = new Timed(names.size());
        Timed others = new Timed(names.size());
        for (String name : names) {
            hotOnes.time(hot);
            others.time(name);
        }
        return new HandshakeProbe.Samples[] {hotOnes.samples(), others.samples()};
    }

    /** Latencies of handshakes as they are made. */
    private final class Timed {
        private final long[] nanos;
        private int done;
        private int failures;

        Timed(int capacity) {
            nanos = new long[capacity];
        }

        void time(String name) {
            long begin = System.nanoTime();
            X509Certificate leaf = served(name);
            long took = System.nanoTime() - begin;
            if (leaf != null && BenchCertificates.isStored(leaf)) {
                nanos[done++] = took;
            } else {
                failures++;
            }
        }

        HandshakeProbe.Samples samples() {
            return new HandshakeProbe.Samples(java.util.Arrays.copyOf(nanos, done), failures);
        }
    }

    /** Full handshakes per second from two client threads for {@code seconds}, each asking for the name {@code names} gives next. */
    double perSecond(Supplier<String> names, int seconds) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            clients.add(new Thread(() -> {
                while (System.nanoTime() < end) {
                    X509Certificate leaf = served(names.get());
                    (leaf != null && BenchCertificates.isStored(leaf) ? done : failed).incrementAndGet();
                }
            }));
        }
        long start = System.nanoTime();
        clients.forEach(Thread::start);
        for (Thread client : clients) {
            client.join();
        }
        if (failed.get() > 0) {
            System.out.printf("fleet: %d handshakes failed or showed no stored certificate (not counted)%n", failed.get());
        }
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * Names never asked for before, each handed out once, in a random order (seeded, so runs
     * compare): what a handshake for a name not in memory meets. Thread-safe; when all are
     * used it starts over and counts it ({@link #reused}), since those are no longer first-time.
     */
    static final class FirstTime implements Supplier<String> {
        private final String[] names;
        private final AtomicLong next = new AtomicLong();

        FirstTime(List<String> names, long seed) {
            this.names = names.toArray(new String[0]);
            Random random = new Random(seed);
            for (int i = this.names.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                String swap = this.names[i];
                this.names[i] = this.names[j];
                this.names[j] = swap;
            }
        }

        @Override
        public String get() {
            return names[(int) (next.getAndIncrement() % names.length)];
        }

        List<String> take(int count) {
            List<String> taken = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                taken.add(get());
            }
            return taken;
        }

        /** How many handshakes got a name that had been handed out before. */
        long reused() {
            return Math.max(0, next.get() - names.length);
        }
    }
}
