package dev.autotls.internal.config;

import dev.autotls.internal.store.postgres.PostgresLocation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where this instance keeps its state, from {@code autotls.storage} and its companions:
 * a folder, or a PostgreSQL database shared by several instances. {@link #toString} never
 * shows a password or the encryption key.
 *
 * @param folder       the storage folder, when storage is a folder
 * @param database     the PostgreSQL store, when storage is a database
 * @param key          {@code autotls.storage.key}, sealing secrets in the database
 * @param createSchema whether the {@code autotls_*} tables may be created
 * @param syncInterval how often stored certificates of other instances are looked for
 * @param listenAt     {@code autotls.storage.listen-url}: where the database is reached directly for LISTEN
 */
public record StorageSetting(Optional<Path> folder, Optional<PostgresLocation> database, Optional<String> key,
                             boolean createSchema, Duration syncInterval, Optional<PostgresLocation> listenAt) {

    /** A setting without a direct connection for LISTEN (tools, tests). */
    public StorageSetting(Optional<Path> folder, Optional<PostgresLocation> database, Optional<String> key,
                          boolean createSchema, Duration syncInterval) {
        this(folder, database, key, createSchema, syncInterval, Optional.empty());
    }

    @Override
    public String toString() {
        return folder.map(Path::toString).orElseGet(() -> database.map(PostgresLocation::toString).orElse("(none)"));
    }
}
