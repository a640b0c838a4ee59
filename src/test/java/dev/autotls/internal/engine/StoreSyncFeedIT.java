package dev.autotls.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.store.CertificateFiles;
import dev.autotls.internal.store.LeaseTimes;
import dev.autotls.internal.store.StoredCertificate;
import dev.autotls.internal.store.postgres.PostgresCertificateStore;
import dev.autotls.internal.store.postgres.PostgresLocation;
import dev.autotls.internal.tls.CertificateRegistry;
import dev.autotls.internal.tls.KeyType;
import dev.autotls.spi.CertificateStore;
import dev.autotls.testing.Await;
import dev.autotls.testing.ForwardingStore;
import dev.autotls.testing.MemoryStore;
import dev.autotls.testing.Postgres;
import dev.autotls.testing.SharedPostgres;
import dev.autotls.testing.TestCertificates;
import java.io.IOException;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 25 (d), the load of a sync: with 5,000 certificates in a real PostgreSQL store, a look
 * with nothing changed sends the store no list of keys and gets no item back, as counted on
 * the way to the store and confirmed by PostgreSQL's own statistics for {@code autotls_items}.
 * In a database of its own, so that no other test's connection adds to those statistics.
 */
class StoreSyncFeedIT {
    private static final int NAMES = 5_000;
    @RegisterExtension
    static final SharedPostgres DATABASE = new SharedPostgres();
    private String database;
    private String url;

    @BeforeEach
    void ownDatabase() throws SQLException {
        database = "sync_" + Long.toHexString(new java.security.SecureRandom().nextLong() & Long.MAX_VALUE);
        url = DATABASE.postgres().createDatabase(database);
    }

    @org.junit.jupiter.api.AfterEach
    void dropIt() throws SQLException {
        DATABASE.postgres().dropDatabase(database);
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + DATABASE.postgres().port() + "/" + database,
                Postgres.USER, Postgres.PASSWORD);
    }

    @Test
    void withFiveThousandNamesALookWithNothingChangedSendsNoKeysAndGetsNoRows() throws Exception {
        List<ManagedCertificate> certificates = new ArrayList<>();
        for (int i = 0; i < NAMES; i++) {
            certificates.add(new ManagedCertificate(List.of("n" + i + ".test"), Engine.STRATEGY, "a fake (test)"));
        }
        PostgresLocation location = PostgresLocation.parse(url, null);
        Counting store = new Counting(PostgresCertificateStore.open(location, null, true, LeaseTimes.STANDARD));
        long started = System.nanoTime();
        storeAll(certificates); // after the store made its tables
        System.out.printf("store sync: %d certificates stored in %.1f s%n", NAMES, (System.nanoTime() - started) / 1e9);
        CertificateFiles files = new CertificateFiles(store, "ca/fake");
        StoreSync sync = new StoreSync(() -> certificates, store, files, new CertificateRegistry(), Clock.systemUTC(),
                Duration.ofHours(1), certificate -> { });

        started = System.nanoTime();
        sync.syncOnce();
        LookCost first = sync.lastLook();
        System.out.printf("store sync: first look (full) %s in %d ms%n", first, (System.nanoTime() - started) / 1_000_000);
        assertThat(first.full()).isTrue();
        assertThat(first.keysSent()).as("every certificate's version key, once").isEqualTo(NAMES);

        // PostgreSQL counts a backend's scans when it ends: end every connection before each reading
        store.swap(null);
        ItemScans before = scansOnceEveryConnectionEnded();
        store.swap(PostgresCertificateStore.open(location, null, true, LeaseTimes.STANDARD));
        long sentBefore = store.keysSent.get();
        long receivedBefore = store.rowsReceived.get();
        started = System.nanoTime();
        sync.syncOnce();
        long millis = (System.nanoTime() - started) / 1_000_000;
        LookCost unchanged = sync.lastLook();
        store.swap(null);
        ItemScans after = scansOnceEveryConnectionEnded();
        System.out.printf("store sync: a look with nothing changed among %d names: %s in %d ms; autotls_items scans "
                + "before %s, after %s%n", NAMES, unchanged, millis, before, after);

        assertThat(unchanged).isEqualTo(new LookCost(2, false, 0, 0, 0));
        assertThat(store.keysSent.get() - sentBefore).as("keys sent to the store").isZero();
        assertThat(store.rowsReceived.get() - receivedBefore).as("rows the store returned").isZero();
        assertThat(after.items()).as("scans of autotls_items by PostgreSQL's count").isEqualTo(before.items());
        assertThat(after.feed()).as("the feed was read (and counted)").isGreaterThan(before.feed());
    }

    /** Stores a certificate for each, as instances would have, in one batch of the previous version's upserts. */
    private void storeAll(List<ManagedCertificate> certificates) throws Exception {
        MemoryStore bytes = new MemoryStore();
        CertificateFiles files = new CertificateFiles(bytes, "ca/fake");
        // one key and one certificate for all: the test is about the looks, not what they read
        KeyPair keyPair = KeyType.EC256.generate();
        List<java.security.cert.X509Certificate> chain = List.of(TestCertificates.selfSigned(List.of("shared.test"), keyPair,
                Instant.now().plus(Duration.ofDays(60))));
        List<String> keys = new ArrayList<>();
        for (ManagedCertificate certificate : certificates) {
            files.save(new StoredCertificate(certificate.names, keyPair, chain, Instant.now()));
        }
        for (ManagedCertificate certificate : certificates) {
            keys.add(files.versionKey(certificate.firstName()));
            String folder = keys.get(keys.size() - 1).substring(0, keys.get(keys.size() - 1).lastIndexOf('/'));
            keys.add(folder + "/privkey.pem");
            keys.add(folder + "/fullchain.pem");
        }
        try (Connection db = connect(); PreparedStatement upsert = db.prepareStatement(
                "INSERT INTO autotls_items(key, data, secret, sealed, version, modified) "
                        + "VALUES (?, ?, ?, false, nextval('autotls_versions'), now()) ON CONFLICT (key) DO UPDATE SET "
                        + "data = EXCLUDED.data, version = EXCLUDED.version, modified = EXCLUDED.modified")) {
            db.setAutoCommit(false);
            for (String key : keys) {
                upsert.setString(1, key);
                upsert.setBytes(2, bytes.load(key).orElseThrow());
                upsert.setBoolean(3, key.endsWith("privkey.pem"));
                upsert.addBatch();
            }
            upsert.executeBatch();
            db.commit();
        }
    }

    /** Sequential and index scans of autotls_items and of the feed, once no other backend runs. */
    private record ItemScans(long items, long feed) {
    }

    private ItemScans scansOnceEveryConnectionEnded() throws SQLException {
        try (Connection db = connect()) {
            Await.until("the store's connections to end", Duration.ofSeconds(30), () -> otherBackends(db) == 0);
        }
        try (Connection db = connect(); Statement sql = db.createStatement();
             ResultSet rows = sql.executeQuery("SELECT relname, coalesce(seq_scan, 0) + coalesce(idx_scan, 0) "
                     + "FROM pg_stat_user_tables WHERE relname IN ('autotls_items', 'autotls_changes')")) {
            long items = 0;
            long feed = 0;
            while (rows.next()) {
                if (rows.getString(1).equals("autotls_items")) {
                    items = rows.getLong(2);
                } else {
                    feed = rows.getLong(2);
                }
            }
            return new ItemScans(items, feed);
        }
    }

    private static int otherBackends(Connection db) {
        try (Statement sql = db.createStatement(); ResultSet row = sql.executeQuery("SELECT count(*) FROM pg_stat_activity "
                + "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'")) {
            row.next();
            return row.getInt(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** The store the sync uses, counting the keys sent in lists and the rows returned; its PostgreSQL store can be swapped. */
    private static final class Counting extends ForwardingStore {
        private volatile CertificateStore store;
        final AtomicLong keysSent = new AtomicLong();
        final AtomicLong rowsReceived = new AtomicLong();

        Counting(CertificateStore store) {
            this.store = store;
        }

        /** Closes the store in use (its connections end) and uses {@code next} from now on. */
        void swap(CertificateStore next) {
            store.close();
            if (next != null) {
                store = next;
            }
        }

        @Override
        public Optional<byte[]> load(String key) throws IOException {
            return Optional.ofNullable(loadAll(List.of(key)).get(key));
        }

        @Override
        public Map<String, byte[]> loadAll(Collection<String> keys) throws IOException {
            keysSent.addAndGet(keys.size());
            Map<String, byte[]> found = store.loadAll(keys);
            rowsReceived.addAndGet(found.size());
            return found;
        }

        @Override
        public Map<String, Long> versions(Collection<String> keys) throws IOException {
            keysSent.addAndGet(keys.size());
            Map<String, Long> found = store.versions(keys);
            rowsReceived.addAndGet(found.size());
            return found;
        }

        @Override
        public Optional<Changes> changesSince(long position) throws IOException {
            Optional<Changes> changes = store.changesSince(position);
            changes.ifPresent(read -> rowsReceived.addAndGet(read.keys().size()));
            return changes;
        }

        @Override
        protected CertificateStore delegate() {
            return store;
        }

        @Override
        public void close() {
            // the test closes the store in use itself (swap)
        }
    }
}
