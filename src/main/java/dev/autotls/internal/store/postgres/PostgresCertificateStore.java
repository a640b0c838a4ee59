package dev.autotls.internal.store.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.autotls.internal.postgres.PoolerSafe;
import dev.autotls.internal.store.Heartbeats;
import dev.autotls.internal.store.LeaseTimes;
import dev.autotls.internal.store.Reachability;
import dev.autotls.internal.store.SecretSealer;
import dev.autotls.internal.store.SecretSealing;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.internal.store.UnusableStoreException;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.Lease;
import dev.autotls.spi.Locker;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CertificateStore} in PostgreSQL, shared by every instance of a site.
 *
 * <p>Items are rows of {@code autotls_items} (see {@link PostgresSchema}); every write takes
 * a new number from one sequence as the item's version, so instances notice changes with one
 * cheap query. {@link #saveAll} is one transaction that first locks the guarding lease's row
 * and checks owner, token and expiry by the database clock, so a writer whose lease expired is
 * refused even if it wakes up mid-write. Secret items are sealed with AES-GCM when
 * {@code autotls.storage.key} is set ({@link SecretSealer}). Connections come from a bounded
 * pool ({@link PostgresConnections#POOL_SIZE}), with connect, socket and statement timeouts, so a database that hangs never holds
 * maintenance for long; while the database is unreachable every call fails fast with an
 * {@link IOException} and the log says so once ({@link Reachability}).
 *
 * <p>Works behind a connection pooler (PgBouncer) in transaction or session pooling with its
 * default settings ({@link PoolerSafe}): every call is one transaction that sets its own
 * statement timeout ({@code SET LOCAL}), no start-up parameter beyond what PgBouncer knows, no
 * server-side prepared statements, no session state (the pool sets no init SQL and checks
 * connections with the driver's empty query; leases and the schema lock are rows and a
 * transaction-scoped advisory lock). A pooler's refusal is reported as such, naming host:port.
 *
 * <p>Every write of an item, also one by an older autotls or by hand, is recorded by a trigger
 * for {@link #changesSince} and notified at commit ({@link PostgresFeedAccess}); next looks are
 * rows of their own. Notifications are received on one connection outside the pool
 * ({@link PostgresListener}), to {@code autotls.storage.listen-url} when a pooler is in the way.
 */
public final class PostgresCertificateStore implements CertificateStore, SecretSealing {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresCertificateStore.class);
    static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(15);
    private static final String SETTING = "autotls.storage";
    static final String LISTEN_SETTING = "autotls.storage.listen-url";

    private final PostgresLocation location;
    /** Where notifications are listened for: {@code autotls.storage.listen-url}, or null for the store's own URL. */
    private final PostgresLocation listenAt;
    private final PostgresSealing sealing;
    private final boolean createSchema;
    private final HikariDataSource pool;
    private final Reachability reachability;
    private final Heartbeats heartbeats = new Heartbeats("autotls-store-leases");
    private final PostgresLocker locker;
    private final PostgresFeedAccess feed;
    private volatile boolean schemaReady;

    private PostgresCertificateStore(PostgresLocation location, PostgresLocation listenAt, SecretSealer sealer,
                                     boolean createSchema, LeaseTimes times) {
        this.location = location;
        this.listenAt = listenAt;
        this.sealing = new PostgresSealing(sealer, location);
        this.createSchema = createSchema;
        this.reachability = new Reachability(location.toString());
        this.pool = new HikariDataSource(PostgresConnections.poolConfig(location));
        this.locker = new PostgresLocker(this, times, heartbeats);
        this.feed = new PostgresFeedAccess(this, location, listenAt);
    }

    /** {@link #open(PostgresLocation, PostgresLocation, String, boolean, LeaseTimes)}, listening over the store's own URL. */
    public static PostgresCertificateStore open(PostgresLocation location, String storageKey, boolean createSchema,
                                                LeaseTimes times) throws UnusableStoreException {
        return open(location, null, storageKey, createSchema, times);
    }

    /**
     * Opens the store: checks the login and the database at once, and prepares the tables.
     * An unreachable database is not an error here (it is retried as maintenance goes on).
     *
     * @param listenAt   {@code autotls.storage.listen-url}: where to LISTEN directly, bypassing a pooler; null for the store's URL
     * @param storageKey base64 of 32 bytes, or null to store secrets as they are
     * @throws UnusableStoreException if the login is refused, the database does not exist, the
     *                                tables cannot or may not be created, or the key is malformed
     *                                (for the store, or for the listening connection)
     */
    public static PostgresCertificateStore open(PostgresLocation location, PostgresLocation listenAt, String storageKey,
                                                boolean createSchema, LeaseTimes times) throws UnusableStoreException {
        SecretSealer sealer;
        try {
            sealer = storageKey == null || storageKey.isBlank() ? null : SecretSealer.fromSetting(storageKey);
        } catch (IllegalArgumentException e) {
            throw new UnusableStoreException(e.getMessage(), e);
        }
        PostgresCertificateStore store = new PostgresCertificateStore(location, listenAt, sealer, createSchema, times);
        try {
            store.checkAtStart();
        } catch (UnusableStoreException | RuntimeException | Error e) {
            store.close(); // the pool's threads and connections must not outlive a refused start
            throw e;
        }
        return store;
    }

    /** One direct connection with the pool's settings: refused logins and missing databases are refused here. */
    private void checkAtStart() throws UnusableStoreException {
        try (Connection connection = PostgresConnections.direct(location, new Properties())) {
            feed.prepared(PostgresSchema.prepare(connection, createSchema, location.toString()));
            schemaReady = true;
        } catch (SQLException e) {
            Optional<String> refusal = PostgresRefusals.of(e, SETTING, location);
            if (refusal.isPresent()) {
                throw new UnusableStoreException(refusal.get(), e);
            }
            reachability.failed(e); // unreachable or down: transient, served from memory and retried
        }
        if (listenAt != null) {
            try (Connection listening = PostgresConnections.direct(listenAt, new Properties())) {
                listening.isValid(2);
            } catch (SQLException e) {
                Optional<String> refusal = PostgresRefusals.of(e, LISTEN_SETTING, listenAt);
                if (refusal.isPresent()) {
                    throw new UnusableStoreException(refusal.get(), e);
                }
                LOG.debug("{} = {} cannot be reached yet ({}); listening starts when it can", LISTEN_SETTING, listenAt,
                        Reachability.rootCause(e));
            }
        }
    }

    @Override
    public String describe() {
        return location.toString();
    }

    @Override
    public Optional<byte[]> load(String key) throws IOException {
        return Optional.ofNullable(loadAll(List.of(key)).get(key));
    }

    /** One statement, so the values come from one snapshot of the table. */
    @Override
    public Map<String, byte[]> loadAll(Collection<String> keys) throws IOException {
        for (String key : keys) {
            StorageKeys.requireValid(key);
        }
        Map<String, byte[]> rows = withConnection(connection -> PostgresItems.load(connection, keys, sealing));
        Map<String, byte[]> ordered = new LinkedHashMap<>();
        for (String key : keys) {
            if (rows.containsKey(key)) {
                ordered.put(key, rows.get(key));
            }
        }
        return ordered;
    }

    @Override
    public void save(String key, byte[] data, Sensitivity sensitivity) throws IOException {
        StorageKeys.requireValid(key);
        withConnection(connection -> {
            PostgresItems.upsert(connection, new Item(key, data, sensitivity), sealing);
            return null;
        });
    }

    @Override
    public void saveAll(List<Item> items, Lease lease) throws IOException {
        for (Item item : items) {
            StorageKeys.requireValid(item.key());
        }
        withConnection(connection -> { // one transaction: the lease's row stays locked until every item is written
            locker.verifyHeld(connection, lease);
            for (Item item : items) {
                PostgresItems.upsert(connection, item, sealing);
            }
            return null;
        });
    }

    @Override
    public List<String> list(String folderKey) throws IOException {
        if (!folderKey.isEmpty()) {
            StorageKeys.requireValid(folderKey);
        }
        return withConnection(connection -> PostgresItems.names(connection, folderKey));
    }

    @Override
    public void delete(String key) throws IOException {
        StorageKeys.requireValid(key);
        withConnection(connection -> PostgresItems.delete(connection, key));
    }

    @Override
    public Map<String, Long> versions(Collection<String> keys) throws IOException {
        return withConnection(connection -> PostgresItems.versions(connection, keys));
    }

    /** See {@link PostgresChangeFeed}; empty while the store has no feed (an older schema that may not be changed). */
    @Override
    public Optional<Changes> changesSince(long position) throws IOException {
        return feed.changesSince(position);
    }

    /** See {@link PostgresListener}: one connection of its own per call, closed with the handle or the store. */
    @Override
    public Optional<AutoCloseable> whenChanged(Runnable listener) throws IOException {
        return feed.whenChanged(listener);
    }

    @Override
    public void saveNextLook(NextLook look) throws IOException {
        if (!feed.nextLooks(look)) {
            CertificateStore.super.saveNextLook(look);
        }
    }

    @Override
    public void deleteNextLook(String folderKey) throws IOException {
        if (!feed.deleteNextLook(folderKey)) {
            CertificateStore.super.deleteNextLook(folderKey);
        }
    }

    @Override
    public List<NextLook> nextLooks(String parentKey, Instant before, int limit) throws IOException {
        Optional<List<NextLook>> due = feed.nextLooks(parentKey, before, limit);
        return due.isPresent() ? due.get() : CertificateStore.super.nextLooks(parentKey, before, limit);
    }

    @Override
    public boolean sealsSecrets() {
        return sealing.seals();
    }

    @Override
    public Set<String> unsealedSecrets(Collection<String> keys) throws IOException {
        return withConnection(connection -> PostgresItems.unsealedSecrets(connection, keys));
    }

    @Override
    public Locker locker() {
        return locker;
    }

    /** Whether notifications from other instances are being received now (tests). */
    boolean listening() {
        return feed.listening();
    }

    /** Whether the last call found the database unreachable. */
    public boolean unreachable() {
        return reachability.isDown();
    }

    @Override
    public void close() {
        feed.close();
        heartbeats.close();
        pool.close();
    }

    /** Work on one pooled connection. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException, IOException;
    }

    /**
     * Runs {@code work} as one transaction on a pooled connection (committed when it returns,
     * rolled back when it throws, its statements limited by {@code SET LOCAL}), preparing the
     * tables first if that could not be done at start.
     */
    <T> T withConnection(SqlWork<T> work) throws IOException {
        try (Connection connection = pool.getConnection()) {
            if (!schemaReady) {
                feed.prepared(PostgresSchema.prepare(connection, createSchema, location.toString()));
                schemaReady = true;
            }
            T result = inTransaction(connection, work);
            reachability.reached();
            return result;
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            Optional<String> pooler = PoolerSafe.explain(e, location.hostPort(), SETTING);
            if (state.startsWith("08") || e instanceof java.sql.SQLTransientException || state.isEmpty()) {
                reachability.failed(pooler.isPresent() ? new SQLException(pooler.get()) : e);
            }
            throw new IOException("the store " + location + " failed: " + pooler.orElseGet(() -> Reachability.rootCause(e)), e);
        }
    }

    /** Auto-commit, turned off here, is set back by the pool when the connection returns to it. */
    private static <T> T inTransaction(Connection connection, SqlWork<T> work) throws SQLException, IOException {
        try {
            PoolerSafe.limit(connection, STATEMENT_TIMEOUT, null);
            T result = work.run(connection);
            connection.commit();
            return result;
        } catch (SQLException | IOException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException alsoFailed) {
                e.addSuppressed(alsoFailed); // the connection broke: the pool discards it, the server ends the transaction
            }
            throw e;
        }
    }
}
