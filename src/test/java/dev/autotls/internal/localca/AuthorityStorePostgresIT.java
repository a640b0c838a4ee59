package dev.autotls.internal.localca;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.store.LeaseTimes;
import dev.autotls.internal.store.postgres.PostgresCertificateStore;
import dev.autotls.internal.store.postgres.PostgresLocation;
import dev.autotls.testing.StandardError;
import dev.autotls.testing.SharedPostgres;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The local CA in PostgreSQL: without a storage key its intermediate key is stored readable, and
 * whoever reads or makes the CA (serve, trust, export-root) says so; once a key is set, the next
 * one to read it writes the key back sealed.
 */
class AuthorityStorePostgresIT {
    @RegisterExtension
    static final SharedPostgres DATABASE = new SharedPostgres();

    private PostgresCertificateStore open(String storageKey) throws Exception {
        return PostgresCertificateStore.open(PostgresLocation.parse(DATABASE.postgres().url(), null), storageKey, true,
                LeaseTimes.STANDARD);
    }

    private String keyRow() throws Exception {
        try (Connection db = DATABASE.postgres().connect(); Statement sql = db.createStatement();
             ResultSet row = sql.executeQuery("SELECT sealed, data FROM autotls_items WHERE key = 'local/ca/intermediate-key.pem'")) {
            assertThat(row.next()).as("the intermediate key's row").isTrue();
            return "sealed=" + row.getBoolean(1) + " pem=" + new String(row.getBytes(2), StandardCharsets.ISO_8859_1)
                    .contains("PRIVATE KEY");
        }
    }



    @Test
    void warnsWithoutAStorageKeyAndSealsTheKeyOnceOneIsSet() throws Exception {
        Authority[] made = new Authority[1];
        try (PostgresCertificateStore plain = open(null)) {
            String log = StandardError.during(() -> made[0] = new AuthorityStore(plain, Clock.systemUTC(), "--storage.key=KEY").loadOrCreate());
            assertThat(log).contains("holds the local CA's intermediate key unencrypted").contains("set --storage.key=KEY");
        }
        assertThat(keyRow()).isEqualTo("sealed=false pem=true");

        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        try (PostgresCertificateStore sealing = open(Base64.getEncoder().encodeToString(key))) {
            Authority[] read = new Authority[1];
            String log = StandardError.during(() -> read[0] = new AuthorityStore(sealing, Clock.systemUTC()).loadOrCreate());
            assertThat(log).doesNotContain("unencrypted").contains("Sealed the local CA's intermediate key");
            assertThat(read[0].root()).isEqualTo(made[0].root());
            assertThat(read[0].intermediateKey().getPrivate()).isEqualTo(made[0].intermediateKey().getPrivate());
            assertThat(keyRow()).isEqualTo("sealed=true pem=false");
            assertThat(sealing.unsealedSecrets(List.of("local/ca/intermediate-key.pem"))).isEmpty();
        }
    }
}
