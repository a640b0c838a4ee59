package dev.autotls.internal.store.postgres;

import dev.autotls.internal.store.CorruptDataException;
import dev.autotls.internal.store.SecretSealer;
import java.io.IOException;
import java.security.GeneralSecurityException;

/**
 * Seals secret items before they reach the database and opens them after, with
 * {@code autotls.storage.key} ({@link SecretSealer}); an item sealed with another key, or sealed
 * while this instance has none, is reported as corrupt (never served), naming the fix.
 */
final class PostgresSealing {
    private final SecretSealer sealer;
    private final PostgresLocation location;

    /** @param sealer null when no key is set: secrets are stored as they are */
    PostgresSealing(SecretSealer sealer, PostgresLocation location) {
        this.sealer = sealer;
        this.location = location;
    }

    boolean seals() {
        return sealer != null;
    }

    byte[] seal(String key, byte[] plain) throws IOException {
        try {
            return sealer.seal(key, plain);
        } catch (GeneralSecurityException e) {
            throw new IOException("could not encrypt " + key + ": " + e.getMessage(), e);
        }
    }

    byte[] open(String key, byte[] sealed) throws IOException {
        if (sealer == null) {
            throw new CorruptDataException("the store " + location + " holds " + key
                    + " encrypted; set autotls.storage.key to the key the other instances use");
        }
        try {
            return sealer.open(key, sealed);
        } catch (GeneralSecurityException e) {
            throw new CorruptDataException("the store " + location + " holds " + key
                    + " encrypted with another autotls.storage.key (or altered); use the key the other instances use", e);
        }
    }
}
