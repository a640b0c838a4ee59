package dev.autotls.internal.store;

import dev.autotls.internal.store.postgres.PostgresCertificateStore;
import dev.autotls.internal.store.postgres.PostgresLocation;
import dev.autotls.spi.CertificateStore;
import dev.autotls.testing.PgBouncer;
import dev.autotls.testing.SharedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lease contract through PgBouncer in transaction pooling, where each transaction may run
 * on another server connection: leases, heartbeats and the fenced saveAll keep nothing per
 * session, so they hold there as they do on a direct connection.
 */
class PgBouncerLeaseIT extends LeaseContract {
    @RegisterExtension
    static final SharedPostgres DATABASE = new SharedPostgres();
    private static PgBouncer pooler;

    @BeforeAll
    static void startPooler() throws Exception {
        pooler = PgBouncer.start(DATABASE.postgres(), PgBouncer.Mode.TRANSACTION);
    }

    @AfterAll
    static void stopPooler() {
        pooler.close();
    }

    @Override
    CertificateStore open(LeaseTimes times) throws Exception {
        return PostgresCertificateStore.open(PostgresLocation.parse(pooler.url(), null), null, true, times);
    }
}
