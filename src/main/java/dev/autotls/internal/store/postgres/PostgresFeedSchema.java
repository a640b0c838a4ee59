package dev.autotls.internal.store.postgres;

import dev.autotls.internal.store.StorageKeys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;

/**
 * The additive migration that gives the store a change feed and next looks, recorded as the row
 * {@value #FEATURE} of {@code autotls_features} instead of a higher {@code autotls_schema}
 * version: an instance of the previous version refuses to start against a version above 1, and
 * during a rolling upgrade it must keep starting and serving beside the new ones.
 *
 * <pre>
 * autotls_features(name, added)                 one row per additive migration applied
 * autotls_changes(xid, key, at)                 one row per write of autotls_items, by the writing transaction's id
 * autotls_feed(trimmed_below)                   one row: changes of transactions below it were trimmed
 * autotls_next_looks(folder_key, parent, next_look, expires)   index (parent, next_look)
 * trigger autotls_items_changed                 AFTER INSERT OR UPDATE OR DELETE ON autotls_items, FOR EACH ROW
 * </pre>
 *
 * The trigger records every write, whoever makes it (an instance of the previous version writing
 * {@code INSERT ... ON CONFLICT}, a migration, an operator with psql), and notifies channel
 * {@value #CHANNEL}, which PostgreSQL delivers at commit, for the writes a sync acts on (a
 * certificate's metadata, the managed names). Its function runs with its owner's
 * rights and a fixed {@code search_path} (the schema it was made in), so a writer whose role was
 * granted rights on {@code autotls_items} only still writes. Needs PostgreSQL 13 or later
 * ({@code pg_current_xact_id()}); on an older server, or without the right to create it, the store
 * runs without a feed and says so.
 */
final class PostgresFeedSchema {
    static final String FEATURE = "change-feed-1";
    static final String CHANNEL = "autotls_changes";

    /** Whether the feed is there, and if not, why (one sentence's end, for the log). */
    record State(boolean present, String whyNot) {
        static final State PRESENT = new State(true, "");
    }

    private PostgresFeedSchema() {
    }

    /**
     * Checks for the feed and adds it when missing and {@code create} allows; call inside the
     * schema's transaction, under its advisory lock, after {@code autotls_items} exists. A failure
     * to add it is rolled back to a savepoint, leaving the rest of the transaction intact.
     */
    static State prepare(Connection connection, boolean create) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            if (create) {
                statement.execute("CREATE TABLE IF NOT EXISTS autotls_features (name text PRIMARY KEY, "
                        + "added timestamptz NOT NULL DEFAULT now())");
            }
            if (applied(statement)) {
                if (create) {
                    refreshFunction(connection, statement);
                }
                return State.PRESENT;
            }
            if (!create) {
                return new State(false, "it was never added and autotls.storage.create-schema=false here; "
                        + "start one instance with create-schema=true once to add it");
            }
            if (serverVersion(statement) < 130000) {
                return new State(false, "PostgreSQL 13 or later is needed for the change feed (pg_current_xact_id)");
            }
            Savepoint before = connection.setSavepoint();
            try {
                add(statement, schema(statement));
                connection.releaseSavepoint(before);
                return State.PRESENT;
            } catch (SQLException e) {
                connection.rollback(before);
                return new State(false, "the change feed could not be added (" + e.getMessage().split("\n")[0]
                        + "); let the owner of autotls_items start one instance with create-schema=true");
            }
        }
    }

    private static boolean applied(Statement statement) throws SQLException {
        try (ResultSet exists = statement.executeQuery("SELECT to_regclass('autotls_features') IS NOT NULL")) {
            exists.next();
            if (!exists.getBoolean(1)) {
                return false;
            }
        }
        try (PreparedStatement row = statement.getConnection().prepareStatement(
                "SELECT 1 FROM autotls_features WHERE name = ?")) {
            row.setString(1, FEATURE);
            try (ResultSet found = row.executeQuery()) {
                return found.next();
            }
        }
    }

    private static int serverVersion(Statement statement) throws SQLException {
        try (ResultSet row = statement.executeQuery("SELECT current_setting('server_version_num')::int")) {
            row.next();
            return row.getInt(1);
        }
    }

    private static String schema(Statement statement) throws SQLException {
        try (ResultSet row = statement.executeQuery("SELECT quote_ident(current_schema())")) {
            row.next();
            return row.getString(1);
        }
    }

    /**
     * Replaces the trigger's function with this version's, in a store the feature was added to by an
     * earlier build (whose function notified for every write): the feature's name stays, so instances
     * of that build keep finding the feed and starting. Without the right to replace it (not the
     * owner), the old function stays and only notifies more often; rolled back to a savepoint.
     */
    private static void refreshFunction(Connection connection, Statement statement) throws SQLException {
        Savepoint before = connection.setSavepoint();
        try {
            createFunction(statement, schema(statement));
            connection.releaseSavepoint(before);
        } catch (SQLException e) {
            connection.rollback(before);
        }
    }

    /**
     * The trigger's function: a change row for every write, but a notification only for writes that
     * another instance's sync acts on, a certificate's metadata (written last of its files, see
     * {@code CertificateFiles.versionKey}) and the managed names: each notification runs a sync on
     * every instance, and pacing records, challenge answers and the like are written often.
     */
    private static void createFunction(Statement statement, String schema) throws SQLException {
        // the top-level transaction's id: a reader hands out only changes of transactions older than its snapshot's xmin
        statement.execute("CREATE OR REPLACE FUNCTION autotls_item_changed() RETURNS trigger LANGUAGE plpgsql "
                + "SECURITY DEFINER SET search_path = " + schema + ", pg_temp AS $body$\n"
                + "DECLARE\n"
                + "  changed text := CASE WHEN TG_OP = 'DELETE' THEN OLD.key ELSE NEW.key END;\n"
                + "BEGIN\n"
                + "  IF TG_OP <> 'INSERT' THEN\n"
                + "    INSERT INTO autotls_changes(xid, key) VALUES (pg_current_xact_id()::text::bigint, OLD.key);\n"
                + "  END IF;\n"
                + "  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.key IS DISTINCT FROM OLD.key) THEN\n"
                + "    INSERT INTO autotls_changes(xid, key) VALUES (pg_current_xact_id()::text::bigint, NEW.key);\n"
                + "  END IF;\n"
                + "  IF changed LIKE '%/certificates/%/" + StorageKeys.METADATA + "' OR changed = '" + StorageKeys.MANAGED_NAMES
                + "'\n"
                + "     OR (TG_OP = 'UPDATE' AND (OLD.key LIKE '%/certificates/%/" + StorageKeys.METADATA + "'\n"
                + "         OR OLD.key = '" + StorageKeys.MANAGED_NAMES + "')) THEN\n"
                + "    PERFORM pg_notify('" + CHANNEL + "', '');\n"
                + "  END IF;\n"
                + "  RETURN NULL;\n"
                + "END\n"
                + "$body$");
    }

    private static void add(Statement statement, String schema) throws SQLException {
        statement.execute("CREATE TABLE IF NOT EXISTS autotls_changes (xid bigint NOT NULL, key text NOT NULL, "
                + "at timestamptz NOT NULL DEFAULT now())");
        statement.execute("CREATE INDEX IF NOT EXISTS autotls_changes_xid ON autotls_changes (xid)");
        statement.execute("CREATE TABLE IF NOT EXISTS autotls_feed (trimmed_below bigint NOT NULL)");
        statement.execute("INSERT INTO autotls_feed(trimmed_below) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM autotls_feed)");
        createFunction(statement, schema);
        statement.execute("DROP TRIGGER IF EXISTS autotls_items_changed ON autotls_items");
        statement.execute("CREATE TRIGGER autotls_items_changed AFTER INSERT OR UPDATE OR DELETE ON autotls_items "
                + "FOR EACH ROW EXECUTE FUNCTION autotls_item_changed()");
        statement.execute("CREATE TABLE IF NOT EXISTS autotls_next_looks (folder_key text PRIMARY KEY, parent text NOT NULL, "
                + "next_look timestamptz NOT NULL, expires timestamptz NOT NULL)");
        statement.execute("CREATE INDEX IF NOT EXISTS autotls_next_looks_due ON autotls_next_looks (parent, next_look)");
        // list(folder) asks for a range of keys in byte order: an index in that order makes it a range scan, not a
        // pass over every item, whatever the database's collation (100,000 certificates are 300,000 items)
        statement.execute("CREATE INDEX IF NOT EXISTS autotls_items_key_bytes ON autotls_items (key COLLATE \"C\")");
        statement.execute("INSERT INTO autotls_features(name) VALUES ('" + FEATURE + "')");
    }
}
