package dev.autotls.internal.store.postgres;

import dev.autotls.internal.postgres.PoolerSafe;
import dev.autotls.internal.store.UnusableStoreException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The store's tables, all named {@code autotls_*} so they share a database with acme-dns's
 * {@code records}/{@code txt} (or anything else) without collision:
 *
 * <pre>
 * autotls_schema(version)                          one row: the schema version; migrations go forward only
 * autotls_items(key, data, secret, sealed, version, modified)   every stored key; version from autotls_versions
 * autotls_locks(name, owner, token, expires_at)    leases; token from autotls_tokens, expiry by the database clock
 * </pre>
 *
 * plus, recorded beside the version rather than raising it, the change feed and next looks of
 * {@link PostgresFeedSchema}.
 *
 * Created on first use inside one transaction under a transaction-scoped advisory lock, so
 * instances starting together do not race (a session-level advisory lock would vanish with a
 * pooled connection; a transaction-level one ends with the commit).
 */
final class PostgresSchema {
    static final int VERSION = 1;

    private PostgresSchema() {
    }

    /**
     * Creates or checks the tables; whether the change feed is there.
     *
     * @throws UnusableStoreException when the tables are missing and may not be created, or are newer than this code
     */
    static PostgresFeedSchema.State prepare(Connection connection, boolean create, String where)
            throws SQLException, UnusableStoreException {
        boolean autoCommit = connection.getAutoCommit();
        PoolerSafe.limit(connection, PostgresCertificateStore.STATEMENT_TIMEOUT, null); // a transaction, not a session SET
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock(hashtext('autotls_schema'))");
            Integer version = version(statement);
            if (version == null) {
                if (!create) {
                    throw new UnusableStoreException("the store " + where + " has no autotls tables and "
                            + "autotls.storage.create-schema=false; let one instance create them (create-schema=true) "
                            + "or create them as the README's \"Running several instances\" shows");
                }
                statement.execute("CREATE TABLE IF NOT EXISTS autotls_schema (version integer NOT NULL)");
                statement.execute("CREATE SEQUENCE IF NOT EXISTS autotls_versions");
                statement.execute("CREATE SEQUENCE IF NOT EXISTS autotls_tokens");
                statement.execute("CREATE TABLE IF NOT EXISTS autotls_items (key text PRIMARY KEY, data bytea NOT NULL, "
                        + "secret boolean NOT NULL, sealed boolean NOT NULL, version bigint NOT NULL, "
                        + "modified timestamptz NOT NULL DEFAULT now())");
                statement.execute("CREATE TABLE IF NOT EXISTS autotls_locks (name text PRIMARY KEY, owner text NOT NULL, "
                        + "token bigint NOT NULL, expires_at timestamptz NOT NULL)");
                statement.execute("INSERT INTO autotls_schema(version) VALUES (" + VERSION + ")");
            } else if (version > VERSION) {
                throw new UnusableStoreException("the store " + where + " has autotls schema version " + version
                        + ", made by a newer autotls than this one (knows " + VERSION + "); upgrade this instance");
            }
            PostgresFeedSchema.State feed = PostgresFeedSchema.prepare(connection, create);
            connection.commit();
            return feed;
        } catch (SQLException | UnusableStoreException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static Integer version(Statement statement) throws SQLException {
        try (ResultSet exists = statement.executeQuery("SELECT to_regclass('autotls_schema') IS NOT NULL")) {
            exists.next();
            if (!exists.getBoolean(1)) {
                return null;
            }
        }
        try (ResultSet row = statement.executeQuery("SELECT max(version) FROM autotls_schema")) {
            row.next();
            int version = row.getInt(1);
            return row.wasNull() ? null : version;
        }
    }
}
