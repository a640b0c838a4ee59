package dev.autotls;

import java.io.IOException;

/** The shared store could not be read or written: retried soon (the store says once that it is down), never a reason to order. */
final class StorageFailure extends Exception {
    private static final long serialVersionUID = 1L;

    StorageFailure(String what, IOException cause) {
        super(what + ": " + cause.getMessage(), cause);
    }
}
