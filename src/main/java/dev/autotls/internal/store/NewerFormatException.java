package dev.autotls.internal.store;

import java.io.IOException;

/**
 * A record this instance reads but refuses to rewrite: a newer autotls wrote it in a format this one
 * does not know, and rewriting it would drop what that format adds. Not {@link CorruptDataException}:
 * the data is sound and must be kept as it is, and nothing is ordered or deleted because of it; the
 * change the caller wanted is refused, and the sentence says to make it through an upgraded instance.
 * Callers report it as a storage refusal ({@code StorageException}) with that sentence.
 */
public final class NewerFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public NewerFormatException(String message) {
        super(message);
    }
}
