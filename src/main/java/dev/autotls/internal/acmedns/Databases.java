package dev.autotls.internal.acmedns;

import dev.autotls.acmedns.Database;
import dev.autotls.internal.config.OptionalFeature;

/** Opens the account store a {@link Database} names. */
public final class Databases {
    private Databases() {
    }

    /** Opens the store, creating acme-dns's tables where they are missing. */
    public static AccountStore open(Database database) throws AccountStore.StoreException {
        OptionalFeature feature = database instanceof Database.Sqlite
                ? OptionalFeature.RESPONDER_SQLITE : OptionalFeature.RESPONDER_POSTGRESQL;
        java.util.Optional<String> missing = feature.missing("[database] engine = "
                + (database instanceof Database.Sqlite ? "\"sqlite3\"" : "\"postgres\""));
        if (missing.isPresent()) {
            throw new AccountStore.StoreException(missing.get(), null);
        }
        if (database instanceof Database.Sqlite sqlite) {
            return SqliteAccountStore.open(sqlite.file());
        }
        return PostgresAccountStore.open(PostgresConnection.parse(((Database.Postgres) database).connection()));
    }
}
