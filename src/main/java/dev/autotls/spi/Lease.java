package dev.autotls.spi;

import java.io.IOException;

/**
 * A held lease on one name (see {@link Locker}). The store renews it in the background while
 * it is held; {@link #close} releases it, which only its owner can do: closing a lease that
 * expired and was taken over leaves the new owner's lease alone.
 */
public interface Lease extends AutoCloseable {

    /** The name this lease is on. */
    String name();

    /** The fencing token: larger than every token handed out for this store before. */
    long token();

    /** Whether the lease is still held: false once a renewal failed to reach the store before expiry, or after close. */
    boolean isHeld();

    /** Extends the lease now. @throws LostLeaseException if it expired or another owner holds it */
    void renew() throws IOException;

    /** Releases the lease if this owner still holds it; idempotent. */
    @Override
    void close();
}
