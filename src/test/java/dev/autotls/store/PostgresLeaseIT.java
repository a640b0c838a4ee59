package dev.autotls.store;

import dev.autotls.spi.CertificateStore;
import dev.autotls.testing.Postgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The lease contract on a real PostgreSQL shared by several stores (rows, the database clock, fenced transactions). */
class PostgresLeaseIT extends LeaseContract {
    private static Postgres postgres;

    @BeforeAll
    static void startDatabase() throws Exception {
        postgres = Postgres.start();
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        postgres.close();
    }

    @Override
    CertificateStore open(LeaseTimes times) throws Exception {
        return PostgresCertificateStore.open(PostgresLocation.parse(postgres.url(), null), null, true, times);
    }
}
