package dev.autotls.internal.store;

import java.io.IOException;

/**
 * The store can never work as configured (login refused, database missing, tables missing
 * with schema creation off, a wrong encryption key): a start-up refusal, not something to
 * retry. The message says what to change.
 */
public final class UnusableStoreException extends IOException {
    private static final long serialVersionUID = 1L;

    public UnusableStoreException(String message) {
        super(message);
    }

    public UnusableStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
