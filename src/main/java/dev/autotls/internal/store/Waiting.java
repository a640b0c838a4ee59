package dev.autotls.internal.store;

import dev.autotls.spi.Lease;
import dev.autotls.spi.Locker;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/** Waiting for a lease by trying again at growing intervals (50 ms to 1 s), the same for every store. */
public final class Waiting {
    private Waiting() {
    }

    public static Lease acquire(Locker locker, String name, Duration maxWait) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        long pause = 50;
        while (true) {
            Optional<Lease> lease = locker.tryAcquire(name);
            if (lease.isPresent()) {
                return lease.get();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new Locker.LockTimeoutException("the lease on " + name + " is still held by another instance after "
                        + maxWait.toSeconds() + " s");
            }
            Thread.sleep(Math.min(pause, Math.max(1, left / 1_000_000)));
            pause = Math.min(pause * 2, 1000);
        }
    }
}
