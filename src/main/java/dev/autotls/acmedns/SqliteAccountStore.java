package dev.autotls.acmedns;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
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
 * An {@link AccountStore} in acme-dns's own SQLite database and schema, so an existing
 * acme-dns database is served as it is and stays usable by acme-dns afterwards.
 *
 * <p>Tables: {@code acmedns(Name, Value)} with {@code db_version = 1};
 * {@code records(Username, Password, Subdomain, AllowFrom)} with bcrypt hashes and a JSON
 * list of CIDRs; {@code txt(Subdomain, Value, LastUpdate)} with one row per TXT slot. The
 * database runs in WAL mode with full sync, so a returned call is on disk. An update
 * writes the slot with the smallest LastUpdate and stamps it later than every other slot
 * of the account (at least one second later), so two updates within one second still
 * replace both slots instead of the same one twice.
 */
public final class SqliteAccountStore implements AccountStore {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteAccountStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connection connection;

    private SqliteAccountStore(Connection connection) {
        this.connection = connection;
    }

    /** Opens (or creates, in acme-dns's schema) the database file at {@code file}. */
    public static SqliteAccountStore open(Path file) throws StoreException {
        try {
            Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode=WAL");
                statement.execute("PRAGMA synchronous=FULL");
                statement.execute("PRAGMA busy_timeout=5000");
                statement.execute("CREATE TABLE IF NOT EXISTS acmedns(Name TEXT, Value TEXT)");
                statement.execute("CREATE TABLE IF NOT EXISTS records(Username TEXT UNIQUE NOT NULL PRIMARY KEY, "
                        + "Password TEXT UNIQUE NOT NULL, Subdomain TEXT UNIQUE NOT NULL, AllowFrom TEXT)");
                statement.execute("CREATE TABLE IF NOT EXISTS txt(Subdomain TEXT NOT NULL, Value TEXT NOT NULL DEFAULT '', "
                        + "LastUpdate INT)");
                try (ResultSet version = statement.executeQuery("SELECT Value FROM acmedns WHERE Name='db_version'")) {
                    if (!version.next()) {
                        statement.execute("INSERT INTO acmedns(Name, Value) VALUES('db_version', '1')");
                    } else if (!"1".equals(version.getString(1))) {
                        LOG.warn("{} has acme-dns database version {}; this responder knows version 1.", file, version.getString(1));
                    }
                }
            }
            return new SqliteAccountStore(connection);
        } catch (SQLException e) {
            throw new StoreException("cannot open the SQLite database " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void register(Account account, int slots) throws StoreException {
        try {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO records(Username, Password, Subdomain, AllowFrom) VALUES(?, ?, ?, ?)");
                 PreparedStatement slot = connection.prepareStatement(
                         "INSERT INTO txt(Subdomain, Value, LastUpdate) VALUES(?, '', 0)")) {
                insert.setString(1, account.username().toString());
                insert.setString(2, account.passwordHash());
                insert.setString(3, account.subdomain());
                insert.setString(4, JSON.writeValueAsString(account.allowFrom().stream().map(Cidr::text).toList()));
                insert.executeUpdate();
                for (int i = 0; i < slots; i++) {
                    slot.setString(1, account.subdomain());
                    slot.executeUpdate();
                }
                connection.commit();
            } catch (SQLException | IOException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException | IOException e) {
            throw new StoreException("could not store the registration: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Optional<Account> find(UUID username) throws StoreException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT Password, Subdomain, AllowFrom FROM records WHERE Username = ?")) {
            query.setString(1, username.toString());
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Account(username, row.getString(1), row.getString(2), allowFrom(row.getString(3))));
            }
        } catch (SQLException e) {
            throw new StoreException("could not read the registration: " + e.getMessage(), e);
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

    @Override
    public synchronized List<String> update(String subdomain, String value, long unixSeconds) throws StoreException {
        try {
            connection.setAutoCommit(false);
            try {
                long newest = 0;
                long oldestRow = -1;
                try (PreparedStatement slots = connection.prepareStatement(
                        "SELECT rowid, LastUpdate FROM txt WHERE Subdomain = ? ORDER BY LastUpdate ASC, rowid ASC")) {
                    slots.setString(1, subdomain);
                    try (ResultSet row = slots.executeQuery()) {
                        while (row.next()) {
                            if (oldestRow < 0) {
                                oldestRow = row.getLong(1);
                            }
                            newest = Math.max(newest, row.getLong(2));
                        }
                    }
                }
                if (oldestRow < 0) {
                    throw new SQLException("no TXT slots for subdomain " + subdomain);
                }
                try (PreparedStatement write = connection.prepareStatement(
                        "UPDATE txt SET Value = ?, LastUpdate = ? WHERE rowid = ?")) {
                    write.setString(1, value);
                    write.setLong(2, Math.max(unixSeconds, newest + 1));
                    write.setLong(3, oldestRow);
                    write.executeUpdate();
                }
                List<String> current = values(subdomain);
                connection.commit();
                return current;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("could not store the TXT value: " + e.getMessage(), e);
        }
    }

    private List<String> values(String subdomain) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT Value FROM txt WHERE Subdomain = ? ORDER BY LastUpdate DESC, rowid DESC")) {
            query.setString(1, subdomain);
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    if (!row.getString(1).isEmpty()) {
                        values.add(row.getString(1));
                    }
                }
            }
        }
        return values;
    }

    @Override
    public synchronized Map<String, List<String>> allValues() throws StoreException {
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
            return all;
        } catch (SQLException e) {
            throw new StoreException("could not read the TXT values: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing the database", e);
        }
    }
}
