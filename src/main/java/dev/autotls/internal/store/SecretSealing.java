package dev.autotls.internal.store;

import java.io.IOException;
import java.util.Collection;
import java.util.Set;

/**
 * A store that seals secret items with {@code autotls.storage.key} (PostgreSQL), where a secret is
 * otherwise readable in every dump and backup; a folder store protects secrets by file mode and
 * does not implement this. Lets the owner of a secret warn when it goes unsealed, and seal rows
 * written before the key was set.
 */
public interface SecretSealing {

    /** Whether secret items saved now are sealed (a storage key is set). */
    boolean sealsSecrets();

    /** Those of {@code keys} whose stored secret was written unsealed. */
    Set<String> unsealedSecrets(Collection<String> keys) throws IOException;
}
