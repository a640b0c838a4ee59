package dev.autotls.spi;

/**
 * The one checked root of what can go wrong while obtaining a certificate. Each kind has its
 * own policy in maintenance:
 * <ul>
 *   <li>{@link OwnerActionException}: only the owner can fix it (terms not agreed, a DNS record
 *       missing, CAA forbids the CA); said once in one sentence with the fix, checked again slowly;</li>
 *   <li>{@link TransientException}: it may pass by itself (network, the CA's 5xx, rate limits);
 *       retried with back-off, never before the CA's Retry-After;</li>
 *   <li>{@link StorageException}: the store could not be read or written; retried soon, and
 *       never a reason to order.</li>
 * </ul>
 * Messages are sentences for people: what was wrong, with the value, and what to do.
 */
public abstract sealed class AutoTlsException extends Exception
        permits OwnerActionException, TransientException, StorageException {
    private static final long serialVersionUID = 1L;

    protected AutoTlsException(String message, Throwable cause) {
        super(message, cause);
    }
}
