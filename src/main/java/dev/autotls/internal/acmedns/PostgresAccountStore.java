package dev.autotls.internal.acmedns;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.autotls.internal.postgres.PoolerSafe;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AccountStore} in acme-dns's own PostgreSQL database and schema
 * ({@code acmedns}, {@code records}, {@code txt} with its {@code rowid SERIAL}; see
 * {@link AcmeDnsSql}), so an existing acme-dns database is served in place, and several
 * responders (and acme-dns itself) may share it.
 *
 * <p>Several writers: an update locks the account's TXT rows ({@code SELECT ... FOR UPDATE},
 * in rowid order so two writers never deadlock) in one transaction, so concurrent updates
 * from any number of responders queue and the two-slot rotation stays exact. A returned
 * call is committed (PostgreSQL's synchronous commit), hence visible to every responder's
 * next read. {@link #shared()} is true: DNS answers read the database, not a local copy.
 *
 * <p>Connections come from a small bounded pool; every statement is cut off by the server
 * after {@link #STATEMENT_TIMEOUT}, a transaction left idle (a stalled or partitioned
 * responder holding row locks) after {@link #IDLE_IN_TRANSACTION_TIMEOUT}. Both are set with
 * {@code SET LOCAL} in each call's own transaction, not at connection start, and the driver
 * makes no server-side prepared statements ({@link PoolerSafe}), so the database may sit
 * behind PgBouncer in transaction or session pooling with its default settings. Run-time
 * settings in the connection string ({@code options}, {@code search_path}, ...) are still
 * sent at connection start, as lib/pq sends them; a pooler that refuses them is named in the
 * error, with what to change.
 */
public final class PostgresAccountStore implements AccountStore {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresAccountStore.class);
    static final int POOL_SIZE = 8;
    static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration IDLE_IN_TRANSACTION_TIMEOUT = Duration.ofSeconds(10);
    /** When the connection string gives none (lib/pq would wait forever). */
    static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;
    /** Serializes the first start of several responders on an empty database (any constant; ours spells "acmedns"). */
    private static final long SCHEMA_LOCK = 0x61636d65646e73L;
    private static final String SETTING = "[database] connection";

    private final HikariDataSource pool;
    private final PostgresConnection connection;

    private PostgresAccountStore(HikariDataSource pool, PostgresConnection connection) {
        this.pool = pool;
        this.connection = connection;
    }

    /** Connects, and creates acme-dns's tables where they are missing. */
    public static PostgresAccountStore open(PostgresConnection connection) throws StoreException {
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(poolConfig(connection));
        } catch (RuntimeException e) {
            Optional<String> pooler = PoolerSafe.explain(e, connection.hostPorts(), setting(connection));
            if (pooler.isPresent()) {
                throw new StoreException(pooler.get(), e);
            }
            throw new StoreException("cannot connect to the PostgreSQL database " + connection + ": " + reason(e)
                    + "; check the host, port, user, password and sslmode of [database] connection", e);
        }
        try (Connection db = pool.getConnection()) {
            createSchema(db, connection);
            checkColumns(db, connection);
            createIndex(db, connection);
        } catch (SQLException e) {
            pool.close();
            throw new StoreException("cannot use the PostgreSQL database " + connection + ": " + reason(e, connection), e);
        }
        LOG.info("acme-dns database: PostgreSQL {}.", connection);
        return new PostgresAccountStore(pool, connection);
    }

    private static HikariConfig poolConfig(PostgresConnection connection) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("acmedns-postgres");
        config.setDataSource(dataSource(connection));
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(1);
        // short: a DNS answer waits for a connection, and resolvers give up within seconds
        config.setConnectionTimeout(2000);
        config.setValidationTimeout(1000);
        config.setIdleTimeout(60_000);
        config.setMaxLifetime(300_000); // retires connections a firewall may have dropped silently
        config.setKeepaliveTime(30_000);
        config.setInitializationFailTimeout(1); // one attempt at start: a wrong password fails now, not at the first update
        return config;
    }

    /** lib/pq's settings as PostgreSQL's JDBC driver takes them; the password goes only to the driver. */
    private static PGSimpleDataSource dataSource(PostgresConnection connection) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        List<String> hosts = connection.hosts();
        int[] ports = connection.ports();
        source.setServerNames(hosts.toArray(new String[0]));
        source.setPortNumbers(ports.length == hosts.size() ? ports : filled(hosts.size(), ports[0]));
        source.setDatabaseName(connection.database());
        source.setUser(connection.user());
        if (connection.password() != null) {
            source.setPassword(connection.password());
        }
        source.setSslMode(connection.sslMode());
        if (connection.setting("sslrootcert") != null) {
            source.setSslRootCert(connection.setting("sslrootcert"));
        }
        if (connection.setting("sslcert") != null) {
            source.setSslCert(connection.setting("sslcert"));
        }
        if (connection.setting("sslkey") != null) {
            source.setSslKey(connection.setting("sslkey"));
        }
        int connectTimeout = Integer.parseInt(connection.setting("connect_timeout") == null ? "0"
                : connection.setting("connect_timeout"));
        source.setConnectTimeout(connectTimeout > 0 ? connectTimeout : DEFAULT_CONNECT_TIMEOUT_SECONDS);
        source.setLoginTimeout(connectTimeout > 0 ? connectTimeout : DEFAULT_CONNECT_TIMEOUT_SECONDS);
        // the server's timeouts end statements; this one only catches a connection that went silent
        source.setSocketTimeout((int) STATEMENT_TIMEOUT.multipliedBy(3).toSeconds());
        source.setTcpKeepAlive(true);
        String application = connection.setting("application_name") != null ? connection.setting("application_name")
                : connection.setting("fallback_application_name");
        source.setApplicationName(application != null ? application : "autotls-acmedns");
        String options = options(connection);
        if (!options.isEmpty()) { // only what the connection string asks for: a pooler may refuse start-up parameters
            source.setOptions(options);
        }
        for (Map.Entry<String, String> property : PoolerSafe.DRIVER_DEFAULTS.entrySet()) {
            try {
                source.setProperty(property.getKey(), property.getValue());
            } catch (SQLException unknownToTheDriver) {
                throw new IllegalStateException("this PostgreSQL driver does not know " + property.getKey(), unknownToTheDriver);
            }
        }
        return source;
    }

    private static int[] filled(int count, int port) {
        int[] ports = new int[count];
        Arrays.fill(ports, port);
        return ports;
    }

    /** The user's {@code options} and run-time settings, as lib/pq sends them at connection start; empty if none. */
    private static String options(PostgresConnection connection) {
        StringBuilder options = new StringBuilder();
        if (connection.setting("options") != null) {
            options.append(connection.setting("options"));
        }
        for (Map.Entry<String, String> setting : connection.serverSettings().entrySet()) {
            options.append(options.length() > 0 ? " " : "").append("-c ").append(setting.getKey()).append('=')
                    .append(setting.getValue().replace("\\", "\\\\").replace(" ", "\\ "));
        }
        return options.toString();
    }

    /**
     * Runs {@code work} in one transaction limited by our timeouts ({@code SET LOCAL}), unless
     * the connection string sets a timeout itself, which then holds as it did with lib/pq.
     */
    private <T> T limited(Connection db, AcmeDnsSql.Work<T> work) throws SQLException {
        return limited(db, connection, work);
    }

    private static <T> T limited(Connection db, PostgresConnection connection, AcmeDnsSql.Work<T> work) throws SQLException {
        return AcmeDnsSql.inTransaction(db, () -> {
            PoolerSafe.limit(db, ownSetting(connection, "statement_timeout") ? null : STATEMENT_TIMEOUT,
                    ownSetting(connection, "idle_in_transaction_session_timeout") ? null : IDLE_IN_TRANSACTION_TIMEOUT);
            return work.run();
        });
    }

    private static boolean ownSetting(PostgresConnection connection, String name) {
        String options = connection.setting("options");
        return connection.serverSettings().containsKey(name) || options != null && options.contains(name);
    }

    /** acme-dns's DDL, in one transaction under an advisory lock so two responders starting at once do not race. */
    private static void createSchema(Connection db, PostgresConnection connection) throws SQLException {
        limited(db, connection, () -> {
            try (Statement statement = db.createStatement()) {
                statement.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
                // only what is missing: a role that may write acme-dns's tables need not be allowed to create any
                createIfMissing(statement, "acmedns", AcmeDnsSql.ACMEDNS_TABLE);
                createIfMissing(statement, "records", AcmeDnsSql.RECORDS_TABLE);
                createIfMissing(statement, "txt", AcmeDnsSql.TXT_TABLE_POSTGRES);
                AcmeDnsSql.checkVersion(statement, "the PostgreSQL database");
            }
            return null;
        });
    }

    private static void createIfMissing(Statement statement, String relation, String ddl) throws SQLException {
        boolean exists;
        try (ResultSet row = statement.executeQuery("SELECT to_regclass('" + relation + "') IS NOT NULL")) {
            exists = row.next() && row.getBoolean(1);
        }
        if (!exists) {
            statement.execute(ddl);
        }
    }

    /** An existing database must have acme-dns's columns, rowid included; say so at start, not at the first update. */
    private static void checkColumns(Connection db, PostgresConnection connection) throws SQLException {
        try {
            limited(db, connection, () -> {
                try (Statement statement = db.createStatement()) {
                    statement.executeQuery("SELECT Username, Password, Subdomain, AllowFrom FROM records LIMIT 0").close();
                    statement.executeQuery("SELECT rowid, Subdomain, Value, LastUpdate FROM txt LIMIT 0").close();
                }
                return null;
            });
        } catch (SQLException e) {
            throw new SQLException("its tables lack acme-dns's columns (records: username, password, subdomain, allowfrom;"
                    + " txt: rowid, subdomain, value, lastupdate): " + e.getMessage(), e.getSQLState(), e);
        }
    }

    private static void createIndex(Connection db, PostgresConnection connection) {
        try {
            limited(db, connection, () -> {
                try (Statement statement = db.createStatement()) {
                    statement.execute(AcmeDnsSql.TXT_INDEX);
                }
                return null;
            });
        } catch (SQLException e) {
            LOG.warn("The PostgreSQL table txt has no index on subdomain and this role cannot add it ({}): every DNS answer"
                    + " scans the table. As the table's owner, run: {}", e.getMessage(), AcmeDnsSql.TXT_INDEX);
        }
    }

    @Override
    public void register(Account account, int slots) throws StoreException {
        try (Connection db = pool.getConnection()) {
            limited(db, () -> {
                AcmeDnsSql.insert(db, account, slots);
                return null;
            });
        } catch (SQLException e) {
            throw new StoreException("could not store the registration in " + connection + ": " + reason(e, connection), e);
        }
    }

    @Override
    public Optional<Account> find(UUID username) throws StoreException {
        try (Connection db = pool.getConnection()) {
            return limited(db, () -> AcmeDnsSql.find(db, username));
        } catch (SQLException e) {
            throw new StoreException("could not read the registration from " + connection + ": " + reason(e, connection), e);
        }
    }

    @Override
    public List<String> update(String subdomain, String value, long unixSeconds) throws StoreException {
        try (Connection db = pool.getConnection()) {
            // rowid order: every writer takes the account's row locks in the same order, so none deadlocks
            return limited(db, () -> AcmeDnsSql.update(db, subdomain, value, unixSeconds, " ORDER BY rowid FOR UPDATE"));
        } catch (SQLException e) {
            throw new StoreException("could not store the TXT value in " + connection + ": " + reason(e, connection), e);
        }
    }

    @Override
    public Optional<List<String>> values(String subdomain) throws StoreException {
        try (Connection db = pool.getConnection()) {
            return limited(db, () -> AcmeDnsSql.values(db, subdomain));
        } catch (SQLException e) {
            throw new StoreException("could not read the TXT values from " + connection + ": " + reason(e, connection), e);
        }
    }

    @Override
    public Map<String, List<String>> allValues() throws StoreException {
        try (Connection db = pool.getConnection()) {
            return limited(db, () -> AcmeDnsSql.allValues(db));
        } catch (SQLException e) {
            throw new StoreException("could not read the TXT values from " + connection + ": " + reason(e, connection), e);
        }
    }

    @Override
    public boolean shared() {
        return true;
    }

    /** What went wrong: a pooler's refusal in one sentence naming what to change, else {@link #reason(Throwable)}. */
    private static String reason(Throwable e, PostgresConnection connection) {
        return PoolerSafe.explain(e, connection.hostPorts(), setting(connection)).orElseGet(() -> reason(e));
    }

    /** The setting to change, saying which of its keys travel in the start-up parameter {@code options}. */
    private static String setting(PostgresConnection connection) {
        List<String> sent = new ArrayList<>(connection.serverSettings().keySet());
        if (connection.setting("options") != null) {
            sent.add(0, "options");
        }
        return sent.isEmpty() ? SETTING : SETTING + " (it sends " + String.join(", ", sent)
                + " at connection start, in the start-up parameter options)";
    }

    /**
     * The driver's own words (they never hold the password): each message of the cause chain
     * that adds something (the pool's "not available" says nothing of why), and the SQL state.
     */
    private static String reason(Throwable e) {
        StringBuilder text = new StringBuilder();
        String state = null;
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && text.indexOf(message) < 0 && (cause instanceof SQLException || text.length() == 0)) {
                text.append(text.length() > 0 ? ": " : "").append(message);
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                state = sql.getSQLState();
            }
        }
        return text + (state != null ? " (SQL state " + state + ")" : "");
    }

    @Override
    public void close() {
        pool.close();
    }
}
