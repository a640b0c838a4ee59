package dev.autotls.internal.acmedns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL of acme-dns's three tables, which reads and writes the same on SQLite and on
 * PostgreSQL, so both stores keep the rows exactly as acme-dns does: {@code records} with a
 * bcrypt hash and AllowFrom as a JSON list, {@code txt} with one row per slot (LastUpdate 0
 * until written), {@code acmedns} with {@code db_version = 1}. Unquoted names, so
 * PostgreSQL folds them to lower case as it did for acme-dns. Callers own the connection
 * and the transaction.
 */
final class AcmeDnsSql {
    private static final Logger LOG = LoggerFactory.getLogger(AcmeDnsSql.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String ACMEDNS_TABLE = "CREATE TABLE IF NOT EXISTS acmedns(Name TEXT, Value TEXT)";
    static final String RECORDS_TABLE = "CREATE TABLE IF NOT EXISTS records(Username TEXT UNIQUE NOT NULL PRIMARY KEY, "
            + "Password TEXT UNIQUE NOT NULL, Subdomain TEXT UNIQUE NOT NULL, AllowFrom TEXT)";
    static final String TXT_TABLE_SQLITE = "CREATE TABLE IF NOT EXISTS txt(Subdomain TEXT NOT NULL, "
            + "Value TEXT NOT NULL DEFAULT '', LastUpdate INT)";
    /** On PostgreSQL acme-dns gives {@code txt} the {@code rowid} SQLite has implicitly. */
    static final String TXT_TABLE_POSTGRES = "CREATE TABLE IF NOT EXISTS txt(rowid SERIAL, Subdomain TEXT NOT NULL, "
            + "Value TEXT NOT NULL DEFAULT '', LastUpdate INT)";
    /** acme-dns v2 adds it on start; without it every DNS answer read from PostgreSQL scans the table. */
    static final String TXT_INDEX = "CREATE INDEX IF NOT EXISTS idx_txt_subdomain ON txt (Subdomain)";

    private AcmeDnsSql() {
    }

    /** What runs inside {@link #inTransaction}. */
    interface Work<T> {
        T run() throws SQLException;
    }

    /** Runs {@code work} in one transaction on {@code connection}: committed when it returns, rolled back when it throws. */
    static <T> T inTransaction(Connection connection, Work<T> work) throws SQLException {
        connection.setAutoCommit(false);
        try {
            T result = work.run();
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** Adds {@code db_version = 1} to a new database; warns about a version this code does not know. */
    static void checkVersion(Statement statement, String where) throws SQLException {
        try (ResultSet version = statement.executeQuery("SELECT Value FROM acmedns WHERE Name='db_version'")) {
            if (!version.next()) {
                statement.execute("INSERT INTO acmedns(Name, Value) VALUES('db_version', '1')");
            } else if (!"1".equals(version.getString(1))) {
                LOG.warn("{} has acme-dns database version {}; this responder knows version 1.", where, version.getString(1));
            }
        }
    }

    static void insert(Connection connection, Account account, int slots) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO records(Username, Password, Subdomain, AllowFrom) VALUES(?, ?, ?, ?)");
             PreparedStatement slot = connection.prepareStatement(
                     "INSERT INTO txt(Subdomain, Value, LastUpdate) VALUES(?, '', 0)")) {
            insert.setString(1, account.username().toString());
            insert.setString(2, account.passwordHash());
            insert.setString(3, account.subdomain());
            insert.setString(4, allowFromJson(account));
            insert.executeUpdate();
            for (int i = 0; i < slots; i++) {
                slot.setString(1, account.subdomain());
                slot.executeUpdate();
            }
        }
    }

    static Optional<Account> find(Connection connection, UUID username) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT Password, Subdomain, AllowFrom FROM records WHERE Username = ?")) {
            query.setString(1, username.toString());
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Account(username, row.getString(1), row.getString(2), allowFrom(row.getString(3))));
            }
        }
    }

    /**
     * Overwrites the slot of {@code subdomain} written least recently and stamps it later
     * than every other slot (at least one second later), so two updates within one second
     * still replace both slots instead of the same one twice. {@code lockClause} ends the
     * select of the slots (PostgreSQL: row locks, so concurrent writers queue).
     *
     * @return the values now current, most recent first
     */
    static List<String> update(Connection connection, String subdomain, String value, long unixSeconds, String lockClause)
            throws SQLException {
        long newest = 0;
        long oldestRow = -1;
        long oldestStamp = Long.MAX_VALUE;
        try (PreparedStatement slots = connection.prepareStatement(
                "SELECT rowid, LastUpdate FROM txt WHERE Subdomain = ?" + lockClause)) {
            slots.setString(1, subdomain);
            try (ResultSet row = slots.executeQuery()) {
                while (row.next()) { // chosen here, not by ORDER BY: a locking select may return rows out of order
                    long rowid = row.getLong(1);
                    long stamp = row.getLong(2);
                    if (stamp < oldestStamp || stamp == oldestStamp && rowid < oldestRow) {
                        oldestRow = rowid;
                        oldestStamp = stamp;
                    }
                    newest = Math.max(newest, stamp);
                }
            }
        }
        if (oldestRow < 0) {
            throw new SQLException("no TXT slots for subdomain " + subdomain);
        }
        try (PreparedStatement write = connection.prepareStatement("UPDATE txt SET Value = ?, LastUpdate = ? WHERE rowid = ?")) {
            write.setString(1, value);
            write.setLong(2, Math.max(unixSeconds, newest + 1));
            write.setLong(3, oldestRow);
            write.executeUpdate();
        }
        return values(connection, subdomain).orElseThrow(() -> new SQLException("subdomain " + subdomain + " has no account"));
    }

    /** The non-empty values of {@code subdomain}, most recent first; empty when no account has it. */
    static Optional<List<String>> values(Connection connection, String subdomain) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT t.Value FROM records r "
                + "LEFT JOIN txt t ON t.Subdomain = r.Subdomain WHERE r.Subdomain = ? ORDER BY t.LastUpdate DESC, t.rowid DESC")) {
            query.setString(1, subdomain);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                List<String> values = new ArrayList<>();
                do {
                    String value = row.getString(1);
                    if (value != null && !value.isEmpty()) {
                        values.add(value);
                    }
                } while (row.next());
                return Optional.of(values);
            }
        }
    }

    /** Every registered subdomain with its non-empty values, most recent first. */
    static Map<String, List<String>> allValues(Connection connection) throws SQLException {
        Map<String, List<String>> all = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement()) {
            try (ResultSet row = statement.executeQuery("SELECT Subdomain FROM records")) {
                while (row.next()) {
                    all.put(row.getString(1), new ArrayList<>());
                }
            }
            try (ResultSet row = statement.executeQuery(
                    "SELECT Subdomain, Value FROM txt WHERE Value != '' ORDER BY LastUpdate DESC, rowid DESC")) {
                while (row.next()) {
                    List<String> values = all.get(row.getString(1));
                    if (values != null) {
                        values.add(row.getString(2));
                    }
                }
            }
        }
        return all;
    }

    private static String allowFromJson(Account account) throws SQLException {
        try {
            return JSON.writeValueAsString(account.allowFrom().stream().map(Cidr::text).toList());
        } catch (JsonProcessingException e) {
            throw new SQLException("cannot write allowfrom as JSON: " + e.getMessage(), e);
        }
    }

    private static List<Cidr> allowFrom(String json) {
        List<Cidr> ranges = new ArrayList<>();
        if (json == null || json.isBlank()) {
            return ranges;
        }
        try {
            for (var node : JSON.readTree(json)) {
                Cidr.parse(node.asText()).ifPresentOrElse(ranges::add,
                        () -> LOG.warn("Ignoring the stored allowfrom entry '{}': not a CIDR.", node.asText()));
            }
        } catch (IOException e) {
            LOG.warn("Ignoring an unreadable stored allowfrom list.");
        }
        return ranges;
    }
}
