package dev.autotls.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.internal.store.postgres.PostgresCertificateStore;
import dev.autotls.internal.store.postgres.PostgresLocation;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.Lease;
import dev.autotls.testing.PgBouncer;
import dev.autotls.testing.Postgres;
import dev.autotls.testing.SharedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The PostgreSQL store through PgBouncer 1.18 with its default settings: in transaction
 * pooling every call works however often it repeats (no server-side prepared statement, no
 * start-up parameter, no session setting), and what only a pooler refuses is reported as
 * such, naming host:port and the fix.
 */
class PgBouncerStoreIT {
    @RegisterExtension
    static final SharedPostgres DATABASE = new SharedPostgres();
    private static PgBouncer transactionPooling;

    @BeforeAll
    static void startPooler() throws Exception {
        transactionPooling = PgBouncer.start(DATABASE.postgres(), PgBouncer.Mode.TRANSACTION);
    }

    @AfterAll
    static void stopPooler() {
        transactionPooling.close();
    }

    private static PostgresCertificateStore open(String url) throws Exception {
        return PostgresCertificateStore.open(PostgresLocation.parse(url, null), null, true, LeaseTimes.STANDARD);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void twoStoresRepeatEveryCallManyTimesFromSeveralThreadsThroughTransactionPooling() throws Exception {
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (PostgresCertificateStore a = open(transactionPooling.url()); PostgresCertificateStore b = open(transactionPooling.url())) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                CertificateStore store = t % 2 == 0 ? a : b;
                String folder = "sites/t" + t;
                threads.add(new Thread(() -> {
                    try {
                        for (int n = 0; n < 25; n++) { // far past the driver's fifth execution, where it would prepare
                            store.save(folder + "/item", bytes("value " + n), CertificateStore.Sensitivity.PUBLIC);
                            assertThat(store.load(folder + "/item").orElseThrow()).isEqualTo(bytes("value " + n));
                            assertThat(store.versions(List.of(folder + "/item"))).containsKey(folder + "/item");
                            assertThat(store.list(folder)).contains("item");
                            Lease lease = store.locker().acquire("locks/" + folder, Duration.ofSeconds(10));
                            try {
                                store.saveAll(List.of(new CertificateStore.Item(folder + "/a", bytes("a" + n),
                                        CertificateStore.Sensitivity.SECRET), new CertificateStore.Item(folder + "/b",
                                        bytes("b" + n), CertificateStore.Sensitivity.PUBLIC)), lease);
                            } finally {
                                lease.close();
                            }
                            assertThat(store.loadAll(List.of(folder + "/a", folder + "/b")).values())
                                    .containsExactly(bytes("a" + n), bytes("b" + n));
                        }
                        store.delete(folder + "/item");
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "store-user-" + t));
            }
            threads.forEach(Thread::start);
            for (Thread thread : threads) {
                thread.join(Duration.ofSeconds(120).toMillis());
            }
            assertThat(failures).isEmpty();
            assertThat(a.unreachable()).isFalse();
            assertThat(b.list("sites")).hasSize(6);
        }
    }

    @Test
    void aStartUpParameterThePoolerRefusesStopsTheStoreAtStartNamingThePoolerAndTheFix() {
        String withOptions = transactionPooling.url() + "?options=-c%20search_path%3Dpublic";
        assertThatThrownBy(() -> open(withOptions)).isInstanceOf(UnusableStoreException.class)
                .hasMessageContaining("PostgreSQL at 127.0.0.1:" + transactionPooling.port()
                        + " refused the start-up parameter options: a connection pooler (PgBouncer)")
                .hasMessageContaining("remove 'options' from autotls.storage, or list it in the pooler's ignore_startup_parameters")
                .hasMessageNotContaining(Postgres.PASSWORD);
    }

    @Test
    void preparedStatementsTurnedBackOnFailNamingTransactionPooling() throws Exception {
        // prepareThreshold=1: the driver names every statement on one server connection; the pooler
        // runs the next transaction on whichever is free, where that name is unknown or taken
        String preparing = transactionPooling.url() + "?prepareThreshold=1";
        List<String> errors = new ArrayList<>();
        try (PostgresCertificateStore a = open(preparing); PostgresCertificateStore b = open(preparing)) {
            for (int n = 0; n < 50 && errors.isEmpty(); n++) {
                for (CertificateStore store : List.of(a, b)) {
                    try {
                        store.save("sites/p/item", bytes("v" + n), CertificateStore.Sensitivity.PUBLIC);
                        store.load("sites/p/item");
                    } catch (IOException e) {
                        errors.add(e.getMessage());
                    }
                }
            }
        } catch (UnusableStoreException atStart) {
            errors.add(atStart.getMessage());
        }
        assertThat(errors).as("a server-side prepared statement met another server connection").isNotEmpty();
        assertThat(errors.get(0)).contains("PostgreSQL at 127.0.0.1:" + transactionPooling.port()
                + " refused the server-side prepared statement S_").contains("a connection pooler (PgBouncer) in"
                + " transaction pooling runs each transaction on whichever server connection is free")
                .contains("leave prepareThreshold at 0");
    }
}
