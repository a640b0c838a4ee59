package dev.autotls.internal.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.store.LeaseTimes;
import dev.autotls.testing.PgBouncer;
import dev.autotls.testing.Postgres;
import dev.autotls.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Through PgBouncer in transaction pooling, each of the store's calls runs under its own
 * statement timeout, set for that transaction only: the server connections it ran on keep
 * PostgreSQL's default for whoever runs on them next.
 */
class TransactionTimeoutIT {
    @RegisterExtension
    static final SharedPostgres POSTGRES = new SharedPostgres();

    private static String show(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SHOW statement_timeout")) {
            row.next();
            return row.getString(1);
        }
    }

    @Test
    void everyCallHasTheStatementTimeoutAndTheServerSessionKeepsItsDefault() throws Exception {
        try (PgBouncer pooler = PgBouncer.start(POSTGRES.postgres(), PgBouncer.Mode.TRANSACTION);
             PostgresCertificateStore store = PostgresCertificateStore.open(PostgresLocation.parse(pooler.url(), null), null,
                     true, LeaseTimes.STANDARD)) {
            for (int i = 0; i < 10; i++) {
                assertThat(store.withConnection(TransactionTimeoutIT::show)).as("inside call %d", i).isEqualTo("15s");
            }
            try (Connection plain = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pooler.port()
                    + "/autotls?prepareThreshold=0", Postgres.USER, Postgres.PASSWORD)) {
                for (int i = 0; i < 5; i++) {
                    assertThat(show(plain)).as("a later client on the pooled server connections").isEqualTo("0");
                }
            }
        }
    }
}
