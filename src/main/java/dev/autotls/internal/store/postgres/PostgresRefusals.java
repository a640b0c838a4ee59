package dev.autotls.internal.store.postgres;

import dev.autotls.internal.postgres.PoolerSafe;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The errors at start that retrying cannot fix (a refused login, a missing database, no right to
 * create the tables, a pooler's refusal), each as one sentence naming the setting, its value and
 * the fix; anything else (unreachable, down) is transient and gets none.
 */
final class PostgresRefusals {
    private PostgresRefusals() {
    }

    /** The sentence for {@code e}, met connecting to {@code location} as {@code setting} names it, or empty if transient. */
    static Optional<String> of(SQLException e, String setting, PostgresLocation location) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        Optional<String> pooler = PoolerSafe.explain(e, location.hostPort(), setting);
        if (pooler.isPresent()) {
            return Optional.of(setting + " = " + location + ": " + pooler.get());
        }
        if (state.equals("28P01") || state.equals("28000")) {
            return Optional.of(setting + " = " + location + ": the database refused the login of " + location.user()
                    + " (" + e.getMessage() + "); check the user and autotls.storage.password");
        }
        if (state.equals("3D000")) {
            return Optional.of(setting + " = " + location + ": the database " + location.database()
                    + " does not exist; create it (CREATE DATABASE " + location.database() + " OWNER " + location.user()
                    + ") or name another");
        }
        if (state.equals("42501")) {
            return Optional.of(setting + " = " + location + ": " + location.user()
                    + " may not create the autotls tables (" + e.getMessage() + "); grant it CREATE on the schema, "
                    + "or create the tables once as another role");
        }
        return Optional.empty();
    }
}
