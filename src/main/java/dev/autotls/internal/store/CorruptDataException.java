package dev.autotls.internal.store;

import java.io.IOException;

/** Stored data that cannot be used (unparsable, half of a pair, key not matching its certificate). Never served. */
public final class CorruptDataException extends IOException {
    private static final long serialVersionUID = 1L;

    public CorruptDataException(String message) {
        super(message);
    }

    public CorruptDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
