package dev.autotls.spi;

import java.io.IOException;

/** The store could not be read or written: retried soon (the store says once that it is down), never a reason to order. */
public non-sealed class StorageException extends AutoTlsException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message, IOException cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
