package dev.autotls.internal.store;

import dev.autotls.internal.store.postgres.PostgresCertificateStore;
import dev.autotls.internal.store.postgres.PostgresLocation;
import dev.autotls.spi.CertificateStore;
import dev.autotls.testing.Postgres;

/** The lease contract on a real PostgreSQL shared by several stores (rows, the database clock, fenced transactions). */
class PostgresLeaseIT extends LeaseContract {
    @org.junit.jupiter.api.extension.RegisterExtension
    static final dev.autotls.testing.SharedPostgres DATABASE = new dev.autotls.testing.SharedPostgres();
    private Postgres postgres;

    @org.junit.jupiter.api.BeforeEach
    void database() {
        postgres = DATABASE.postgres();
    }

    @Override
    CertificateStore open(LeaseTimes times) throws Exception {
        return PostgresCertificateStore.open(PostgresLocation.parse(postgres.url(), null), null, true, times);
    }
}
