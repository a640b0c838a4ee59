package dev.autotls.acmedns;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the responder keeps its accounts ({@code [database]} of acme-dns's config): an
 * SQLite file, or a PostgreSQL database that several responders may share. Either way in
 * acme-dns's own schema, so acme-dns's database is served in place.
 */
public sealed interface Database permits Database.Sqlite, Database.Postgres {

    /** {@code engine = "sqlite3"} (or {@code "sqlite"}): {@code connection} is the file. */
    static Database sqlite(Path file) {
        return new Sqlite(file);
    }

    /**
     * {@code engine = "postgres"}: {@code connection} as acme-dns gives it to lib/pq.
     *
     * @throws IllegalArgumentException when it cannot be read (the message hides the password)
     */
    static Database postgres(String connection) {
        return new Postgres(PostgresConnection.parse(connection));
    }

    /** Opens the store, creating acme-dns's tables where they are missing. */
    AccountStore open() throws AccountStore.StoreException;

    /** An SQLite database file. */
    record Sqlite(Path file) implements Database {
        public Sqlite {
            Objects.requireNonNull(file, "file");
        }

        @Override
        public AccountStore open() throws AccountStore.StoreException {
            return SqliteAccountStore.open(file);
        }
    }

    /** A PostgreSQL database; {@link #toString()} hides the password. */
    record Postgres(PostgresConnection connection) implements Database {
        public Postgres {
            Objects.requireNonNull(connection, "connection");
        }

        @Override
        public AccountStore open() throws AccountStore.StoreException {
            return PostgresAccountStore.open(connection);
        }
    }
}
