package dev.autotls.spi;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Leases on names, shared by every instance of one store: at most one owner holds a name at a
 * time, for a limited time that the owner's heartbeat extends. A holder that stops (crash,
 * pause, lost network) loses the lease when it expires, and its late guarded writes are then
 * refused by the fencing token. Expiry is judged by the store's own clock (the database's, or
 * the wall clock for files), never by an injected test clock.
 *
 * <p>Names are storage keys ({@code dev.autotls.internal.store.StorageKeys} builds them).
 */
public interface Locker {

    /** The lease on {@code name} if nobody else holds it now; empty if someone does. Never waits. */
    Optional<Lease> tryAcquire(String name) throws IOException;

    /**
     * The lease on {@code name}, waiting up to {@code maxWait} for its holder to release it or to
     * let it expire.
     *
     * @throws LockTimeoutException if it is still held by another owner after {@code maxWait}
     */
    Lease acquire(String name, Duration maxWait) throws IOException, InterruptedException;

    /** Thrown by {@link #acquire} when the wait ran out. */
    final class LockTimeoutException extends IOException {
        private static final long serialVersionUID = 1L;

        public LockTimeoutException(String message) {
            super(message);
        }
    }
}
