package dev.autotls.internal.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The listening connection's location: its own host and login, the store's TLS parameters beneath its own. */
class PostgresLocationTest {

    @Test
    void theListenUrlTakesTheStoresTlsParametersUnlessItNamesItsOwn() {
        PostgresLocation store = PostgresLocation.parse(
                "postgresql://app@pooler.test:6432/site?sslmode=verify-full&sslrootcert=/etc/ca.pem", "secret");
        PostgresLocation listen = PostgresLocation.parse("postgresql://app@db.test/site", "secret",
                PostgresCertificateStore.LISTEN_SETTING).withParametersBeneath(store.parameters());
        assertThat(listen.hostPort()).isEqualTo("db.test:5432");
        assertThat(listen.password()).isEqualTo("secret");
        assertThat(listen.parameters()).containsEntry("sslmode", "verify-full").containsEntry("sslrootcert", "/etc/ca.pem");
        assertThat(PostgresConnections.driverProperties(listen)).containsEntry("sslmode", "verify-full");

        PostgresLocation own = PostgresLocation.parse("postgresql://app@db.test/site?sslmode=require", null,
                PostgresCertificateStore.LISTEN_SETTING).withParametersBeneath(store.parameters());
        assertThat(own.parameters()).isEqualTo(Map.of("sslmode", "require", "sslrootcert", "/etc/ca.pem"));
    }

    @Test
    void messagesNameTheSettingTheyCameFrom() {
        assertThatThrownBy(() -> PostgresLocation.parse("postgresql://app@db.test", null, PostgresCertificateStore.LISTEN_SETTING))
                .hasMessageStartingWith("autotls.storage.listen-url = ").hasMessageContaining("names no database");
    }
}
