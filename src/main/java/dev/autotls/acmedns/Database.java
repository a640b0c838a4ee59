package dev.autotls.acmedns;

import dev.autotls.internal.acmedns.PostgresConnection;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the responder keeps its accounts ({@code [database]} of acme-dns's config): an
 * SQLite file, or a PostgreSQL database that several responders may share. Either way in
 * acme-dns's own schema, so acme-dns's database is served in place. The SQLite engine needs
 * {@code org.xerial:sqlite-jdbc} on the class path, the PostgreSQL one
 * {@code org.postgresql:postgresql}; starting without it is refused, naming the jar.
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
        return new Postgres(connection);
    }

    /** An SQLite database file. */
    record Sqlite(Path file) implements Database {
        public Sqlite {
            Objects.requireNonNull(file, "file");
        }
    }

    /**
     * A PostgreSQL database, as acme-dns's {@code connection} string ({@code postgres://...} or
     * {@code key=value} pairs); {@link #toString()} hides the password.
     */
    record Postgres(String connection) implements Database {
        public Postgres {
            PostgresConnection.parse(Objects.requireNonNull(connection, "connection")); // refuse what cannot be read, now
        }

        @Override
        public String toString() {
            return "Postgres[" + PostgresConnection.parse(connection) + "]";
        }
    }
}
