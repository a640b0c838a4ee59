package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.Await;
import dev.autotls.testing.PatientForwarder;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.PgBouncer;
import dev.autotls.testing.Ports;
import dev.autotls.testing.ServeProcess;
import dev.autotls.testing.SharedPostgres;
import dev.autotls.testing.TlsClient;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defect h: instances ({@code autotls.jar serve}) sharing one PostgreSQL store through
 * PgBouncer 1.18 with its default settings, as most sites run PostgreSQL. In transaction
 * pooling every transaction may run on another server connection; in session pooling each
 * client keeps one. Either way: one account, one order, the same certificate served by all,
 * and no store error in any log while they keep syncing.
 */
class PgBouncerClusterIT {
    @RegisterExtension
    static final SharedPostgres POSTGRES = new SharedPostgres();

    private static Map<String, String> settings(Pebble pebble, PgBouncer pooler, int httpPort, String name) {
        return Map.of("domains", name, "ca", pebble.directory().toString(), "ca.trust", pebble.listenerTrust().toString(),
                "storage", pooler.url(), "challenge", "http-01", "http.port", Integer.toString(httpPort), "agree-tos", "true",
                "storage.sync-interval", "1s");
    }

    private static BigInteger servedSerial(TlsClient client, ServeProcess instance, String name) {
        try {
            return client.leaf(instance.httpsPort, name).getSerialNumber();
        } catch (Exception notYetPebbles) {
            return null;
        }
    }

    /**
     * Starts {@code count} instances on one store through {@code pooler}; Pebble's http-01 request
     * reaches the first through a forwarder that waits until it listens, and any instance answers
     * it from the store. Returns once all serve one Pebble certificate.
     */
    private static List<ServeProcess> startServingOneCertificate(Pebble pebble, PgBouncer pooler, int validatedPort, int count,
                                                                 String name, Path work, List<AutoCloseable> cleanup)
            throws Exception {
        int firstHttp = Ports.free();
        cleanup.add(PatientForwarder.on(validatedPort, firstHttp));
        List<ServeProcess> instances = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ServeProcess instance = ServeProcess.start(settings(pebble, pooler, i == 0 ? firstHttp : Ports.free(), name),
                    Ports.free(), work.resolve("instance-" + i + ".log"));
            cleanup.add(instance);
            instances.add(instance);
        }
        TlsClient client = TlsClient.trusting(pebble.roots());
        Await.until(count + " instances to serve one Pebble certificate through PgBouncer", Duration.ofSeconds(90), () -> {
            instances.forEach(ServeProcess::requireAlive);
            requireNoStoreError(instances, pooler);
            Set<BigInteger> serials = new HashSet<>();
            for (ServeProcess instance : instances) {
                serials.add(servedSerial(client, instance, name));
            }
            return serials.size() == 1 && !serials.contains(null);
        });
        return instances;
    }

    /** Fails, showing the lines, if any instance logged a warning or error about its store. */
    private static void requireNoStoreError(List<ServeProcess> instances, PgBouncer pooler) {
        List<String> found = new ArrayList<>();
        for (int i = 0; i < instances.size(); i++) {
            for (String line : instances.get(i).log().split("\n")) {
                String lower = line.toLowerCase(Locale.ROOT);
                boolean warning = line.contains(" WARN ") || line.contains(" ERROR ") || lower.contains("exception");
                if (warning && (lower.contains("store") || lower.contains("sql") || lower.contains("lease")
                        || lower.contains("pgbouncer") || lower.contains("prepared statement"))) {
                    found.add("instance " + i + ": " + line);
                }
            }
        }
        if (!found.isEmpty()) {
            throw new AssertionError("store errors through PgBouncer:\n" + String.join("\n", found) + "\nPgBouncer:\n"
                    + pooler.log());
        }
    }

    /** Transactions committed in the test's database so far, by PostgreSQL's own count (updated within a second or so). */
    private static long committedTransactions() {
        try (Connection db = POSTGRES.postgres().connect(); Statement sql = db.createStatement();
             ResultSet row = sql.executeQuery("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError("cannot read PostgreSQL's statistics: " + e.getMessage(), e);
        }
    }

    private static void closeAll(List<AutoCloseable> cleanup) throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    @Test
    void threeInstancesThroughTransactionPoolingShareOneOrderAndKeepSyncingForAMinuteWithoutAStoreError(@TempDir Path work)
            throws Exception {
        int validatedPort = Ports.free();
        List<AutoCloseable> cleanup = new ArrayList<>();
        try (PgBouncer pooler = PgBouncer.start(POSTGRES.postgres(), PgBouncer.Mode.TRANSACTION);
             Pebble pebble = Pebble.start("sid", validatedPort)) {
            try {
                long started = System.nanoTime();
                List<ServeProcess> instances = startServingOneCertificate(pebble, pooler, validatedPort, 3, "pool.test",
                        work, cleanup);
                System.out.printf("pgbouncer (transaction pooling): 3 instances serve one certificate %.1f s after the "
                        + "first start%n", (System.nanoTime() - started) / 1e9);
                assertThat(pebble.orders()).as("orders placed with the CA").isEqualTo(1);
                assertThat(pebble.accountRequests()).as("accounts registered with the CA").isEqualTo(1);

                TlsClient client = TlsClient.trusting(pebble.roots());
                BigInteger serial = servedSerial(client, instances.get(0), "pool.test");
                long commitsBefore = committedTransactions();
                long syncing = System.nanoTime();
                Await.until("a minute of syncing through transaction pooling", Duration.ofSeconds(75), () -> {
                    instances.forEach(ServeProcess::requireAlive);
                    requireNoStoreError(instances, pooler);
                    return System.nanoTime() - syncing >= Duration.ofSeconds(60).toNanos();
                });
                long commits = committedTransactions() - commitsBefore;
                System.out.printf("pgbouncer (transaction pooling): %d transactions committed by 3 instances in a minute%n",
                        commits);
                // each instance looks at the store every second: far more than a hundred transactions in a minute
                assertThat(commits).as("transactions through PgBouncer while syncing").isGreaterThan(100);
                for (ServeProcess instance : instances) {
                    assertThat(servedSerial(client, instance, "pool.test")).as("still the one certificate").isEqualTo(serial);
                }
                assertThat(pebble.orders()).as("nobody ordered again").isEqualTo(1);
            } finally {
                closeAll(cleanup);
            }
        }
    }

    @Test
    void twoInstancesThroughSessionPoolingShareOneOrderWithoutAStoreError(@TempDir Path work) throws Exception {
        int validatedPort = Ports.free();
        List<AutoCloseable> cleanup = new ArrayList<>();
        try (PgBouncer pooler = PgBouncer.start(POSTGRES.postgres(), PgBouncer.Mode.SESSION);
             Pebble pebble = Pebble.start("sid", validatedPort)) {
            try {
                List<ServeProcess> instances = startServingOneCertificate(pebble, pooler, validatedPort, 2, "session.test",
                        work, cleanup);
                long commitsBefore = committedTransactions();
                Await.until("a few syncs through session pooling", Duration.ofSeconds(30), () -> {
                    instances.forEach(ServeProcess::requireAlive);
                    requireNoStoreError(instances, pooler);
                    return committedTransactions() - commitsBefore > 10;
                });
                requireNoStoreError(instances, pooler);
                assertThat(pebble.orders()).as("orders placed with the CA").isEqualTo(1);
                assertThat(pebble.accountRequests()).as("accounts registered with the CA").isEqualTo(1);
            } finally {
                closeAll(cleanup);
            }
        }
    }
}
