package dev.autotls.spi;

import java.io.IOException;

/** A lease expired or passed to another owner; the guarded work must stop and nothing it would write is written. */
public final class LostLeaseException extends IOException {
    private static final long serialVersionUID = 1L;

    public LostLeaseException(String message) {
        super(message);
    }
}
