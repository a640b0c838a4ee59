package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.testing.Await;
import dev.autotls.testing.Postgres;
import dev.autotls.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 22, defect e: a build that fails after it opened its store (here the strategy wiring
 * refuses http-01 for a wildcard) closes that store again. Before, each refused build left a
 * connection pool behind.
 */
class FailedBuildIT {
    @RegisterExtension
    static final SharedPostgres DATABASE = new SharedPostgres();

    @Test
    void aBuildRefusedAfterTheStoreOpenedLeavesNoConnectionOpen() throws Exception {
        Postgres postgres = DATABASE.postgres();
        long before = connections(postgres);
        long poolsBefore = poolThreads();
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> AutoTls.builder().ignoreSystemSettings().domains("*.e.example").storage(postgres.url())
                    .challenge("http-01").agreeToTermsOfService(true).build())
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("http-01 cannot validate the wildcard *.e.example");
        }
        Await.until("the refused builds' connections to close", Duration.ofSeconds(10), () -> connections(postgres) <= before);
        assertThat(connections(postgres)).isLessThanOrEqualTo(before);
        Await.until("the refused builds' pool threads to end", Duration.ofSeconds(10), () -> poolThreads() <= poolsBefore);
    }

    /** Threads of the PostgreSQL store's connection pools in this JVM (HikariCP names them after the pool). */
    private static long poolThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("autotls-store")).count();
    }

    /** Connections of the autotls role other than this one. */
    private static long connections(Postgres postgres) {
        try (Connection connection = postgres.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE usename = 'autotls' "
                     + "AND pid <> pg_backend_pid()")) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
