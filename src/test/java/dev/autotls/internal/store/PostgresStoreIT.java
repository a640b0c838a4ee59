package dev.autotls.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.internal.store.postgres.PostgresCertificateStore;
import dev.autotls.internal.store.postgres.PostgresLocation;
import dev.autotls.spi.CertificateStore;
import dev.autotls.testing.Postgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The PostgreSQL store's own promises on a real server: start-up refusals, sealed secrets, schema checks. */
class PostgresStoreIT {
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]).replace("AAAA", "AQID");
    @org.junit.jupiter.api.extension.RegisterExtension
    static final dev.autotls.testing.SharedPostgres DATABASE = new dev.autotls.testing.SharedPostgres();
    private Postgres postgres;

    @org.junit.jupiter.api.BeforeEach
    void database() {
        postgres = DATABASE.postgres();
    }

    private static PostgresLocation location(String url) {
        return PostgresLocation.parse(url, null);
    }

    @Test
    void aRefusedLoginOrAMissingDatabaseIsRefusedAtStartWithTheFix() {
        String wrongPassword = postgres.url().replace(Postgres.PASSWORD, "wrong");
        assertThatThrownBy(() -> PostgresCertificateStore.open(location(wrongPassword), null, true, LeaseTimes.STANDARD))
                .isInstanceOf(UnusableStoreException.class).hasMessageContaining("refused the login of autotls")
                .hasMessageNotContaining("wrong@");
        String missing = postgres.url().substring(0, postgres.url().lastIndexOf('/')) + "/nosuchdb";
        assertThatThrownBy(() -> PostgresCertificateStore.open(location(missing), null, true, LeaseTimes.STANDARD))
                .isInstanceOf(UnusableStoreException.class).hasMessageContaining("nosuchdb does not exist");
    }

    @Test
    void anUnreachableDatabaseAtStartIsNotAnErrorButEveryCallFailsUntilItAnswers() throws Exception {
        String nobody = postgres.url().replace(":" + postgres.port() + "/", ":" + dev.autotls.testing.Ports.free() + "/");
        try (PostgresCertificateStore store = PostgresCertificateStore.open(location(nobody), null, true, LeaseTimes.STANDARD)) {
            assertThat(store.unreachable()).isTrue();
            assertThatThrownBy(() -> store.load("ca/account/account.json")).isInstanceOf(java.io.IOException.class)
                    .hasMessageContaining("Connection").hasMessageContaining("refused");
        }
    }

    @Test
    void secretsAreSealedInTheTablesWhenAKeyIsSetAndReadBackOnlyWithIt() throws Exception {
        try (PostgresCertificateStore sealed = PostgresCertificateStore.open(location(postgres.url()), KEY, true, LeaseTimes.STANDARD)) {
            sealed.save("ca/account/account-key.pem", "-----BEGIN PRIVATE KEY-----".getBytes(StandardCharsets.US_ASCII),
                    CertificateStore.Sensitivity.SECRET);
            sealed.save("ca/account/account.json", "{\"url\":\"x\"}".getBytes(StandardCharsets.US_ASCII),
                    CertificateStore.Sensitivity.PUBLIC);
            assertThat(new String(sealed.load("ca/account/account-key.pem").orElseThrow(), StandardCharsets.US_ASCII))
                    .isEqualTo("-----BEGIN PRIVATE KEY-----");
        }
        try (Connection connection = postgres.connect();
             PreparedStatement select = connection.prepareStatement("SELECT data, sealed FROM autotls_items WHERE key = ?")) {
            select.setString(1, "ca/account/account-key.pem");
            try (ResultSet row = select.executeQuery()) {
                row.next();
                assertThat(row.getBoolean(2)).isTrue();
                assertThat(new String(row.getBytes(1), StandardCharsets.ISO_8859_1)).doesNotContain("PRIVATE KEY");
            }
            select.setString(1, "ca/account/account.json");
            try (ResultSet row = select.executeQuery()) {
                row.next();
                assertThat(row.getBoolean(2)).as("public items stay readable").isFalse();
            }
        }
        try (PostgresCertificateStore withoutKey = PostgresCertificateStore.open(location(postgres.url()), null, true,
                LeaseTimes.STANDARD)) {
            assertThatThrownBy(() -> withoutKey.load("ca/account/account-key.pem")).isInstanceOf(CorruptDataException.class)
                    .hasMessageContaining("set autotls.storage.key");
        }
        String otherKey = Base64.getEncoder().encodeToString(new byte[32]);
        try (PostgresCertificateStore wrongKey = PostgresCertificateStore.open(location(postgres.url()), otherKey, true,
                LeaseTimes.STANDARD)) {
            assertThatThrownBy(() -> wrongKey.load("ca/account/account-key.pem")).isInstanceOf(CorruptDataException.class)
                    .hasMessageContaining("another autotls.storage.key");
        }
        assertThatThrownBy(() -> PostgresCertificateStore.open(location(postgres.url()), "c2hvcnQ=", true, LeaseTimes.STANDARD))
                .isInstanceOf(UnusableStoreException.class).hasMessageContaining("5 bytes, not 32")
                .hasMessageNotContaining("c2hvcnQ");
    }

    @Test
    void withSchemaCreationOffMissingTablesAreRefusedAndExistingOnesAccepted() throws Exception {
        String fresh = postgres.createDatabase("fresh");
        assertThatThrownBy(() -> PostgresCertificateStore.open(location(fresh), null, false, LeaseTimes.STANDARD))
                .isInstanceOf(UnusableStoreException.class).hasMessageContaining("create-schema=false");
        PostgresCertificateStore.open(location(fresh), null, true, LeaseTimes.STANDARD).close();
        PostgresCertificateStore.open(location(fresh), null, false, LeaseTimes.STANDARD).close();
    }
}
