package dev.autotls.testing;

import dev.autotls.acmedns.Database;
import dev.autotls.acmedns.ResponderConfig;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real PostgreSQL cluster ({@link Postgres}) for every test class of the run that
 * registers this extension ({@code @RegisterExtension static final SharedPostgres ...}):
 * started by the first, stopped when the run ends, so the suites pay for initdb once.
 * Before each test acme-dns's tables and every {@code autotls_*} table, sequence and function
 * are dropped (whatever a migration added): every test starts on an empty database.
 */
public final class SharedPostgres implements BeforeAllCallback, BeforeEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedPostgres.class);
    private Postgres postgres;

    @Override
    public void beforeAll(ExtensionContext context) {
        // the root store closes it (Postgres is AutoCloseable) after the last test of the run
        postgres = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Postgres.class, key -> {
            try {
                return Postgres.start();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start PostgreSQL for the tests: " + e.getMessage(), e);
            }
        }, Postgres.class);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        try (Connection db = postgres.connect(); Statement sql = db.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS txt, records, acmedns");
            sql.execute("DO $drop$ DECLARE found record; BEGIN "
                    + "FOR found IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                    + "AND tablename LIKE 'autotls\\_%' LOOP "
                    + "EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', found.tablename); END LOOP; "
                    + "FOR found IN SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() "
                    + "AND sequencename LIKE 'autotls\\_%' LOOP "
                    + "EXECUTE format('DROP SEQUENCE IF EXISTS %I CASCADE', found.sequencename); END LOOP; "
                    + "FOR found IN SELECT p.oid::regprocedure AS signature FROM pg_proc p JOIN pg_namespace n "
                    + "ON n.oid = p.pronamespace WHERE n.nspname = current_schema() AND p.proname LIKE 'autotls\\_%' LOOP "
                    + "EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', found.signature); END LOOP; END $drop$");
        }
    }

    public Postgres postgres() {
        return postgres;
    }

    /** The responder's setting for this database, from acme-dns's connection string. */
    public Database database() {
        return Database.postgres(postgres.acmeDnsConnection());
    }

    /** Points a responder at this database. */
    public void configure(ResponderConfig.Builder builder) {
        builder.database(database());
    }
}
