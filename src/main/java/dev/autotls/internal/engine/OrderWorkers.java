package dev.autotls.internal.engine;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The threads orders run on, made at each start of an {@link AutoTls} that was given no scheduler. */
public final class OrderWorkers {
    /**
     * An order spends most of its time waiting on the CA and DNS, so eight at once keep two
     * cores busy (100 names took 6 s with four); they share one account, one CA circuit and
     * Retry-After, so the CA still sees one client.
     */
    static final int AT_ONCE = 8;

    private OrderWorkers() {
    }

    /** Daemon threads named {@code autotls-order-N}, as many as {@link #AT_ONCE} or the certificates, whichever is fewer. */
    public static ExecutorService forCertificates(int certificates) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(Math.max(1, Math.min(AT_ONCE, certificates)), runnable -> {
            Thread thread = new Thread(runnable, "autotls-order-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }
}
