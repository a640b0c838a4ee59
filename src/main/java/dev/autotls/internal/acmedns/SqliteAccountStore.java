package dev.autotls.internal.acmedns;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AccountStore} in acme-dns's own SQLite database and schema, so an existing
 * acme-dns database is served as it is and stays usable by acme-dns afterwards.
 *
 * <p>Tables: {@code acmedns(Name, Value)} with {@code db_version = 1};
 * {@code records(Username, Password, Subdomain, AllowFrom)} with bcrypt hashes and a JSON
 * list of CIDRs; {@code txt(Subdomain, Value, LastUpdate)} with one row per TXT slot (see
 * {@link AcmeDnsSql}). The database runs in WAL mode with full sync, so a returned call is
 * on disk. One connection, used by one thread at a time: this process is the file's only
 * writer, so the DNS side may answer from memory ({@link #shared()} is false).
 */
public final class SqliteAccountStore implements AccountStore {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteAccountStore.class);

    private final Connection connection;

    private SqliteAccountStore(Connection connection) {
        this.connection = connection;
    }

    /**
     * Opens (or creates, in acme-dns's schema) the database file at {@code file}. A new file
     * is created 0600 before SQLite writes to it (it holds the password hashes); SQLite gives
     * its -wal and -shm files the same mode. An existing file keeps its mode, which acme-dns
     * may rely on.
     */
    public static SqliteAccountStore open(Path file) throws StoreException {
        try {
            createPrivately(file);
        } catch (IOException e) {
            throw new StoreException("cannot create the SQLite database " + file + ": " + e.getMessage(), e);
        }
        try {
            Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode=WAL");
                statement.execute("PRAGMA synchronous=FULL");
                statement.execute("PRAGMA busy_timeout=5000");
                statement.execute(AcmeDnsSql.ACMEDNS_TABLE);
                statement.execute(AcmeDnsSql.RECORDS_TABLE);
                statement.execute(AcmeDnsSql.TXT_TABLE_SQLITE);
                AcmeDnsSql.checkVersion(statement, file.toString());
            }
            return new SqliteAccountStore(connection);
        } catch (SQLException e) {
            throw new StoreException("cannot open the SQLite database " + file + ": " + e.getMessage(), e);
        }
    }

    private static void createPrivately(Path file) throws IOException {
        if (Files.exists(file)) {
            return;
        }
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
            Files.setPosixFilePermissions(file, ownerOnly); // whatever the umask took away or left
        } catch (FileAlreadyExistsException raced) {
            // another process created it first: its mode stands
        } catch (UnsupportedOperationException notPosix) {
            // a file system without POSIX modes (Windows): SQLite creates the file as it does
        }
    }

    @Override
    public synchronized void register(Account account, int slots) throws StoreException {
        try {
            AcmeDnsSql.inTransaction(connection, () -> {
                AcmeDnsSql.insert(connection, account, slots);
                return null;
            });
        } catch (SQLException e) {
            throw new StoreException("could not store the registration: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Optional<Account> find(UUID username) throws StoreException {
        try {
            return AcmeDnsSql.find(connection, username);
        } catch (SQLException e) {
            throw new StoreException("could not read the registration: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized List<String> update(String subdomain, String value, long unixSeconds) throws StoreException {
        try {
            return AcmeDnsSql.inTransaction(connection, () -> AcmeDnsSql.update(connection, subdomain, value, unixSeconds, ""));
        } catch (SQLException e) {
            throw new StoreException("could not store the TXT value: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Optional<List<String>> values(String subdomain) throws StoreException {
        try {
            return AcmeDnsSql.values(connection, subdomain);
        } catch (SQLException e) {
            throw new StoreException("could not read the TXT values: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Map<String, List<String>> allValues() throws StoreException {
        try {
            return AcmeDnsSql.allValues(connection);
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
