package dev.autotls.internal.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The sentences for what only a connection pooler refuses. */
class PoolerSafeTest {

    @Test
    void whatOnlyAPoolerRefusesIsExplainedNamingHostPortAndTheSetting() {
        assertThat(PoolerSafe.explain(new SQLException("FATAL: unsupported startup parameter: search_path"),
                "db:6432", "autotls.storage")).hasValue("PostgreSQL at db:6432 refused the start-up parameter search_path:"
                + " a connection pooler (PgBouncer) in front of it refuses start-up parameters it does not know; remove"
                + " 'search_path' from autotls.storage, or list it in the pooler's ignore_startup_parameters");
        assertThat(PoolerSafe.explain(new IOException("failed", new SQLException(
                "ERROR: prepared statement \"S_3\" does not exist")), "db:6432", "autotls.storage").orElseThrow())
                .startsWith("PostgreSQL at db:6432 refused the server-side prepared statement S_3 (it does not exist there):"
                        + " a connection pooler"
                        + " (PgBouncer) in transaction pooling");
        assertThat(PoolerSafe.explain(new SQLException("Connection refused"), "db:6432", "x")).isEmpty();
    }
}
