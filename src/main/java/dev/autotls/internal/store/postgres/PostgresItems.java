package dev.autotls.internal.store.postgres;

import dev.autotls.spi.CertificateStore.Item;
import dev.autotls.spi.CertificateStore.Sensitivity;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The statements on items, rows of {@code autotls_items} ({@link PostgresSchema}), each run on a
 * connection inside one of {@link PostgresCertificateStore}'s transactions. Kept apart so that the
 * store reads as its checks, transactions and failures, and the SQL of an item is in one place.
 */
final class PostgresItems {

    private PostgresItems() {
    }

    /** The items found of {@code keys}, secrets opened; one statement, so from one snapshot of the table. */
    static Map<String, byte[]> load(Connection connection, Collection<String> keys, PostgresSealing sealing)
            throws SQLException, IOException {
        Map<String, byte[]> found = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT key, data, sealed FROM autotls_items WHERE key = ANY(?)")) {
            select.setArray(1, textArray(connection, keys));
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    found.put(row.getString(1), row.getBoolean(3) ? sealing.open(row.getString(1), row.getBytes(2)) : row.getBytes(2));
                }
            }
        }
        return found;
    }

    /** Writes the item under a new version, sealed when it is a secret and the store seals. */
    static void upsert(Connection connection, Item item, PostgresSealing sealing) throws SQLException, IOException {
        boolean seal = item.sensitivity() == Sensitivity.SECRET && sealing.seals();
        try (PreparedStatement upsert = connection.prepareStatement(
                "INSERT INTO autotls_items(key, data, secret, sealed, version, modified) "
                        + "VALUES (?, ?, ?, ?, nextval('autotls_versions'), now()) ON CONFLICT (key) DO UPDATE SET "
                        + "data = EXCLUDED.data, secret = EXCLUDED.secret, sealed = EXCLUDED.sealed, "
                        + "version = EXCLUDED.version, modified = EXCLUDED.modified")) {
            upsert.setString(1, item.key());
            upsert.setBytes(2, seal ? sealing.seal(item.key(), item.data()) : item.data());
            upsert.setBoolean(3, item.sensitivity() == Sensitivity.SECRET);
            upsert.setBoolean(4, seal);
            upsert.executeUpdate();
        }
    }

    /** The names directly below {@code folderKey} ("" for the top), sorted. */
    static List<String> names(Connection connection, String folderKey) throws SQLException {
        String prefix = folderKey.isEmpty() ? "" : folderKey + "/";
        TreeSet<String> names = new TreeSet<>();
        // keys are [A-Za-z0-9._-/]: every key below the folder sorts between "folder/" and "folder0"
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT key FROM autotls_items WHERE key COLLATE \"C\" >= ? AND key COLLATE \"C\" < ?")) {
            select.setString(1, prefix);
            select.setString(2, folderKey.isEmpty() ? "\uffff" : folderKey + "0");
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    String rest = row.getString(1).substring(prefix.length());
                    int slash = rest.indexOf('/');
                    names.add(slash < 0 ? rest : rest.substring(0, slash));
                }
            }
        }
        return new ArrayList<>(names);
    }

    static int delete(Connection connection, String key) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM autotls_items WHERE key = ?")) {
            delete.setString(1, key);
            return delete.executeUpdate();
        }
    }

    static Map<String, Long> versions(Connection connection, Collection<String> keys) throws SQLException {
        Map<String, Long> versions = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT key, version FROM autotls_items WHERE key = ANY(?)")) {
            select.setArray(1, textArray(connection, keys));
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    versions.put(row.getString(1), row.getLong(2));
                }
            }
        }
        return versions;
    }

    /** Which of {@code keys} are secrets written as they are, not sealed. */
    static Set<String> unsealedSecrets(Connection connection, Collection<String> keys) throws SQLException {
        Set<String> unsealed = new TreeSet<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT key FROM autotls_items WHERE key = ANY(?) AND secret AND NOT sealed")) {
            select.setArray(1, textArray(connection, keys));
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    unsealed.add(row.getString(1));
                }
            }
        }
        return unsealed;
    }

    private static Array textArray(Connection connection, Collection<String> keys) throws SQLException {
        return connection.createArrayOf("text", keys.toArray(new String[0]));
    }
}
