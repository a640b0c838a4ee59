package dev.autotls.internal.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.internal.store.LeaseTimes;
import dev.autotls.internal.store.UnusableStoreException;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.CertificateStore.Changes;
import dev.autotls.spi.CertificateStore.NextLook;
import dev.autotls.testing.Await;
import dev.autotls.testing.Postgres;
import dev.autotls.testing.SharedPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The PostgreSQL change feed, next looks and the additive migration on a real server: writes
 * whose number was taken before an earlier one committed, writes of the previous version
 * (plain {@code INSERT ... ON CONFLICT}, as it still runs during a rolling upgrade), deletions,
 * trimming, and the schema version the previous version checks at start.
 */
class PostgresChangeFeedIT {
    @RegisterExtension
    static final SharedPostgres DATABASE = new SharedPostgres();
    private Postgres postgres;

    @BeforeEach
    void database() {
        postgres = DATABASE.postgres();
    }

    private PostgresCertificateStore open() throws UnusableStoreException {
        return PostgresCertificateStore.open(PostgresLocation.parse(postgres.url(), null), null, true, LeaseTimes.STANDARD);
    }

    /** What the previous version's store sends for a save, word for word. */
    static void oldStyleUpsert(Connection connection, String key, String data) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(
                "INSERT INTO autotls_items(key, data, secret, sealed, version, modified) "
                        + "VALUES (?, ?, ?, ?, nextval('autotls_versions'), now()) ON CONFLICT (key) DO UPDATE SET "
                        + "data = EXCLUDED.data, secret = EXCLUDED.secret, sealed = EXCLUDED.sealed, "
                        + "version = EXCLUDED.version, modified = EXCLUDED.modified")) {
            upsert.setString(1, key);
            upsert.setBytes(2, data.getBytes(StandardCharsets.UTF_8));
            upsert.setBoolean(3, false);
            upsert.setBoolean(4, false);
            upsert.executeUpdate();
        }
    }

    private static long version(Connection connection, String key) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT version FROM autotls_items WHERE key = ?")) {
            select.setString(1, key);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static Changes since(CertificateStore store, long position) throws Exception {
        return store.changesSince(position).orElseThrow(() -> new AssertionError("the store keeps no feed"));
    }

    @Test
    void aWriteThatCommitsAfterALaterNumberedOneIsStillSeen() throws Exception {
        try (PostgresCertificateStore store = open(); Connection first = postgres.connect(); Connection second = postgres.connect()) {
            long position = since(store, Changes.FROM_NOW).position();
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            oldStyleUpsert(first, "late/first", "1"); // takes its number now and stays open
            oldStyleUpsert(second, "late/second", "2");
            second.commit();
            assertThat(version(second, "late/second")).as("the second write's number").isGreaterThan(version(first, "late/first"));

            Changes read = since(store, position);
            assertThat(read.gap()).isFalse();
            assertThat(read.keys()).contains("late/second").doesNotContain("late/first");

            first.commit();
            Changes next = since(store, read.position());
            assertThat(next.keys()).as("the write numbered before the one read, committed after the read")
                    .contains("late/first");
            assertThat(since(store, next.position()).keys()).as("once both ended, nothing is handed out again").isEmpty();
        }
    }

    @Test
    void savesDeletionsAndThePreviousVersionsPlainWritesAreAllInTheFeed() throws Exception {
        try (PostgresCertificateStore store = open(); Connection old = postgres.connect()) {
            long position = since(store, Changes.FROM_NOW).position();
            store.save("feed/saved", new byte[] {1}, CertificateStore.Sensitivity.PUBLIC);
            oldStyleUpsert(old, "feed/old-style", "x");
            store.save("feed/deleted", new byte[] {2}, CertificateStore.Sensitivity.PUBLIC);
            Changes first = since(store, position);
            assertThat(first.keys()).containsExactlyInAnyOrder("feed/saved", "feed/old-style", "feed/deleted");

            store.delete("feed/deleted");
            try (Statement sql = old.createStatement()) {
                sql.executeUpdate("DELETE FROM autotls_items WHERE key = 'feed/old-style'");
            }
            assertThat(since(store, first.position()).keys()).containsExactlyInAnyOrder("feed/deleted", "feed/old-style");
        }
    }

    @Test
    void theFeedIsAddedBesideVersionOneSoThePreviousVersionKeepsStartingAndTheMigrationRunsOnce() throws Exception {
        open().close();
        open().close(); // the second start finds it there
        try (Connection db = postgres.connect(); Statement sql = db.createStatement()) {
            try (ResultSet row = sql.executeQuery("SELECT max(version) FROM autotls_schema")) {
                row.next();
                assertThat(row.getInt(1)).as("the version the previous autotls refuses to start above").isEqualTo(1);
            }
            try (ResultSet row = sql.executeQuery("SELECT count(*) FROM autotls_features WHERE name = 'change-feed-1'")) {
                row.next();
                assertThat(row.getInt(1)).isEqualTo(1);
            }
            try (ResultSet row = sql.executeQuery("SELECT count(*) FROM pg_trigger WHERE tgname = 'autotls_items_changed'")) {
                row.next();
                assertThat(row.getInt(1)).isEqualTo(1);
            }
            try (ResultSet row = sql.executeQuery("SELECT indexdef FROM pg_indexes WHERE indexname = 'autotls_next_looks_due'")) {
                row.next();
                assertThat(row.getString(1)).contains("(parent, next_look)");
            }
        }
    }

    @Test
    void withoutTheRightToAddItTheStoreKeepsNoFeedAndThePollingGoesOn() throws Exception {
        try (Connection db = postgres.connect(); Statement sql = db.createStatement()) {
            // the tables of the previous version only: an operator made them, and this instance may not change them
            sql.execute("CREATE TABLE autotls_schema (version integer NOT NULL)");
            sql.execute("CREATE SEQUENCE autotls_versions");
            sql.execute("CREATE SEQUENCE autotls_tokens");
            sql.execute("CREATE TABLE autotls_items (key text PRIMARY KEY, data bytea NOT NULL, secret boolean NOT NULL, "
                    + "sealed boolean NOT NULL, version bigint NOT NULL, modified timestamptz NOT NULL DEFAULT now())");
            sql.execute("CREATE TABLE autotls_locks (name text PRIMARY KEY, owner text NOT NULL, token bigint NOT NULL, "
                    + "expires_at timestamptz NOT NULL)");
            sql.execute("INSERT INTO autotls_schema VALUES (1)");
        }
        try (PostgresCertificateStore store = PostgresCertificateStore.open(PostgresLocation.parse(postgres.url(), null), null,
                false, LeaseTimes.STANDARD)) {
            store.save("plain/key", new byte[] {1}, CertificateStore.Sensitivity.PUBLIC);
            assertThat(store.changesSince(Changes.FROM_NOW)).isEmpty();
            assertThat(store.whenChanged(() -> { })).isEmpty();
            assertThat(store.versions(List.of("plain/key"))).containsKey("plain/key");
            // next looks fall back to items, as for any store
            store.saveNextLook(new NextLook("ca/x/certificates/a.test", Instant.parse("2027-01-01T00:00:00Z"), Instant.MAX));
            assertThat(store.nextLooks("ca/x/certificates", Instant.parse("2028-01-01T00:00:00Z"), 5))
                    .extracting(NextLook::folderKey).containsExactly("ca/x/certificates/a.test");
        }
    }

    @Test
    void aPositionFromBeforeTheTrimOrFromAnotherDatabaseAnswersAGap() throws Exception {
        try (PostgresCertificateStore store = open(); Connection db = postgres.connect()) {
            long old = since(store, Changes.FROM_NOW).position();
            store.save("trim/a", new byte[] {1}, CertificateStore.Sensitivity.PUBLIC);
            store.save("trim/b", new byte[] {1}, CertificateStore.Sensitivity.PUBLIC);
            long recent = since(store, Changes.FROM_NOW).position();
            store.save("trim/c", new byte[] {1}, CertificateStore.Sensitivity.PUBLIC);

            db.setAutoCommit(false);
            int trimmed = PostgresChangeFeed.trim(db, Duration.ofDays(1), 1); // keep only the newest row
            db.commit();
            assertThat(trimmed).isEqualTo(2);
            assertThat(since(store, old).gap()).as("asked from before the trim").isTrue();
            Changes fromRecent = since(store, recent);
            assertThat(fromRecent.gap()).as("nothing it needs was trimmed").isFalse();
            assertThat(fromRecent.keys()).containsExactly("trim/c");
            assertThat(since(store, Long.MAX_VALUE / 2).gap()).as("a position this database never gave").isTrue();
        }
    }

    @Test
    void rowsRestoredFromAnotherClusterAreNeverHandedOutAndTheTrimDeletesThem() throws Exception {
        try (PostgresCertificateStore store = open(); Connection db = postgres.connect(); Statement sql = db.createStatement()) {
            long position = since(store, Changes.FROM_NOW).position();
            // as a dump of a cluster whose transaction ids ran further leaves them: ids this one has not reached
            sql.execute("INSERT INTO autotls_changes(xid, key) VALUES (pg_snapshot_xmax(pg_current_snapshot())::text::bigint + "
                    + "1000000, 'restored/a')");
            store.save("here/b", new byte[] {1}, CertificateStore.Sensitivity.PUBLIC);
            assertThat(since(store, position).keys()).containsExactly("here/b");

            assertThat(PostgresChangeFeed.trim(db, Duration.ofDays(1), 1_000)).as("the restored row").isEqualTo(1);
            try (java.sql.ResultSet left = sql.executeQuery("SELECT count(*) FROM autotls_changes WHERE key = 'restored/a'")) {
                left.next();
                assertThat(left.getInt(1)).isZero();
            }
            assertThat(since(store, position).keys()).containsExactly("here/b");

            // and the trim mark of that cluster, beyond this one's ids, makes no read a gap
            sql.execute("UPDATE autotls_feed SET trimmed_below = pg_snapshot_xmax(pg_current_snapshot())::text::bigint + 1000000");
            Changes after = since(store, position);
            assertThat(after.gap()).isFalse();
            assertThat(after.keys()).containsExactly("here/b");
            PostgresChangeFeed.trim(db, Duration.ofDays(1), 1_000);
            try (java.sql.ResultSet mark = sql.executeQuery("SELECT max(trimmed_below) FROM autotls_feed")) {
                mark.next();
                assertThat(mark.getLong(1)).as("the trim sets it back, so this cluster's trims raise it").isZero();
            }
        }
    }

    @Test
    void nextLooksComeSoonestFirstFromTheirTableAndWakeNobody() throws Exception {
        try (PostgresCertificateStore store = open()) {
            long position = since(store, Changes.FROM_NOW).position();
            Instant t0 = Instant.parse("2027-03-01T10:00:00.123456Z");
            store.saveNextLook(new NextLook("ca/x/certificates/c.test", t0.plusSeconds(30), t0.plus(Duration.ofDays(60))));
            store.saveNextLook(new NextLook("ca/x/certificates/a.test", t0.plusSeconds(10), Instant.MAX));
            store.saveNextLook(new NextLook("ca/x/certificates/b.test", t0.plusSeconds(20), t0.plus(Duration.ofDays(30))));
            store.saveNextLook(new NextLook("ca/y/certificates/a.test", t0, t0));
            store.saveNextLook(new NextLook("ca/x/certificates/b.test", t0.plusSeconds(5), t0.plus(Duration.ofDays(31))));

            List<NextLook> due = store.nextLooks("ca/x/certificates", t0.plusSeconds(30), 10);
            assertThat(due).containsExactly(
                    new NextLook("ca/x/certificates/b.test", t0.plusSeconds(5), t0.plus(Duration.ofDays(31))),
                    new NextLook("ca/x/certificates/a.test", t0.plusSeconds(10), Instant.MAX));
            assertThat(store.nextLooks("ca/x/certificates", Instant.MAX, 1)).extracting(NextLook::folderKey)
                    .containsExactly("ca/x/certificates/b.test");
            assertThat(store.list("ca/x/certificates")).as("no items were written").isEmpty();
            assertThat(since(store, position).keys()).as("next looks are no change of the feed").isEmpty();

            store.deleteNextLook("ca/x/certificates/b.test");
            store.deleteNextLook("ca/x/certificates/gone.test"); // nothing kept: no error
            assertThat(store.nextLooks("ca/x/certificates", Instant.MAX, 10)).as("deleted from the table")
                    .extracting(NextLook::folderKey).containsExactly("ca/x/certificates/a.test", "ca/x/certificates/c.test");
        }
    }

    @Test
    void aNotificationArrivesForEveryCommittedCertificateOrNamesWriteAndTheListenerComesBackAfterItsConnectionIsCut()
            throws Exception {
        AtomicInteger told = new AtomicInteger();
        try (PostgresCertificateStore store = open(); PostgresCertificateStore other = open(); Connection db = postgres.connect()) {
            AutoCloseable handle = store.whenChanged(told::incrementAndGet).orElseThrow();
            Await.until("the listener to pass its self-test", Duration.ofSeconds(10), store::listening);
            assertThat(listeningBackends(db)).as("one connection of its own").isEqualTo(1);
            int before = told.get();
            long position = since(store, Changes.FROM_NOW).position();
            other.save("pacing/ca.json", new byte[] {1}, CertificateStore.Sensitivity.PUBLIC); // no sync acts on it
            other.save("ca/x/certificates/a.test/meta.json", new byte[] {1}, CertificateStore.Sensitivity.PUBLIC);
            Await.until("the notification of another store's save", Duration.ofSeconds(5), () -> told.get() > before);
            assertThat(told.get()).as("notified at commit in order: the pacing record's write notified nobody")
                    .isEqualTo(before + 1);
            assertThat(since(store, position).keys()).as("but both are changes of the feed")
                    .contains("pacing/ca.json", "ca/x/certificates/a.test/meta.json");

            int afterSave = told.get();
            oldStyleUpsert(db, "managed/names.json", "x"); // the previous version's write notifies too, through the trigger
            Await.until("the notification of a plain write", Duration.ofSeconds(5), () -> told.get() > afterSave);

            int beforeCut = told.get();
            try (Statement sql = db.createStatement()) {
                sql.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'autotls-listen'");
            }
            // notifications sent while it was cut off are lost: after the reconnect the listener is told once
            Await.until("the listener to connect again and say so", Duration.ofSeconds(20), () -> told.get() > beforeCut);
            int reconnected = told.get();
            other.save("ca/x/certificates/b.test/meta.json", new byte[] {1}, CertificateStore.Sensitivity.PUBLIC);
            Await.until("notifications after the reconnect", Duration.ofSeconds(5), () -> told.get() > reconnected);

            handle.close();
            assertThat(store.listening()).isFalse();
            Await.until("the listening connection to close", Duration.ofSeconds(10), () -> listeningBackends(db) == 0);
        }
    }

    @Test
    void aStartReplacesTheTriggerFunctionOfAnEarlierBuildThatNotifiedForEveryWrite() throws Exception {
        try (Connection db = postgres.connect(); Statement sql = db.createStatement()) {
            try (PostgresCertificateStore first = open()) {
                first.list("");
            }
            sql.execute("CREATE OR REPLACE FUNCTION autotls_item_changed() RETURNS trigger LANGUAGE plpgsql AS "
                    + "$body$BEGIN PERFORM pg_notify('autotls_changes', ''); RETURN NULL; END$body$");

            try (PostgresCertificateStore again = open()) {
                again.list("");
            }

            try (ResultSet row = sql.executeQuery("SELECT prosrc FROM pg_proc WHERE proname = 'autotls_item_changed'")) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString(1)).as("this build's function").contains("meta.json");
            }
        }
    }

    @Test
    void closingTheStoreEndsItsListeners() throws Exception {
        try (Connection db = postgres.connect()) {
            PostgresCertificateStore store = open();
            store.whenChanged(() -> { }).orElseThrow();
            Await.until("the listener to pass its self-test", Duration.ofSeconds(10), store::listening);
            store.close();
            assertThat(store.listening()).isFalse();
            Await.until("the listening connection to close", Duration.ofSeconds(10), () -> listeningBackends(db) == 0);
        }
    }

    @Test
    void aListenUrlWhoseLoginIsRefusedStopsTheStartNamingTheSetting() {
        PostgresLocation wrong = PostgresLocation.parse(postgres.url().replace(Postgres.PASSWORD, "wrong"), null,
                "autotls.storage.listen-url");
        assertThatThrownBy(() -> PostgresCertificateStore.open(PostgresLocation.parse(postgres.url(), null), wrong, null, true,
                LeaseTimes.STANDARD)).isInstanceOf(UnusableStoreException.class)
                .hasMessageContaining("autotls.storage.listen-url = postgresql://autotls@")
                .hasMessageContaining("refused the login").hasMessageNotContaining("wrong");
    }

    static int listeningBackends(Connection db) {
        try (Statement sql = db.createStatement();
             ResultSet row = sql.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'autotls-listen'")) {
            row.next();
            return row.getInt(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
