package dev.autotls.internal.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.internal.store.postgres.PostgresLocation;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one reader of PostgreSQL connection strings, as autotls.storage and the responder both use it. */
class ConnectionStringTest {

    @Test
    void theStoreSettingReadsEscapesIpv6AndParametersAsTheResponderDoes() {
        String url = "postgresql://app%2Bx:p%40ss@[2001:db8::5]:6543/site?sslmode=verify-full&sslrootcert=/etc/pg+root.pem";
        ConnectionString parsed = ConnectionString.parse(url);
        PostgresLocation location = PostgresLocation.parse(url, null);
        assertThat(location.host()).isEqualTo(parsed.hosts().get(0)).isEqualTo("2001:db8::5");
        assertThat(location.port()).isEqualTo(parsed.ports()[0]).isEqualTo(6543);
        assertThat(location.user()).isEqualTo("app+x");
        assertThat(location.password()).isEqualTo(parsed.password()).isEqualTo("p@ss");
        assertThat(location.database()).isEqualTo("site");
        assertThat(location.parameters()).isEqualTo(Map.of("sslmode", "verify-full", "sslrootcert", "/etc/pg root.pem"));
        assertThat(location.hostPort()).isEqualTo(parsed.hostPorts()).isEqualTo("[2001:db8::5]:6543");
        assertThat(location.toString()).isEqualTo("postgresql://app+x@[2001:db8::5]:6543/site");
    }

    @Test
    void keyValuePairsAndJdbcUrlsAreReadToo() {
        ConnectionString pairs = ConnectionString.parse("host=db port=6432 user=acme password='a secret' dbname=acmedns");
        assertThat(pairs.hostPorts()).isEqualTo("db:6432");
        assertThat(pairs.settings()).containsEntry("dbname", "acmedns").doesNotContainKey("password");
        ConnectionString jdbc = ConnectionString.parse("jdbc:postgresql://db.test/site?user=app&password=s3cret");
        assertThat(jdbc.settings()).containsEntry("user", "app").containsEntry("dbname", "site");
        assertThat(jdbc.password()).isEqualTo("s3cret");
    }

    @Test
    void errorsNameTheSettingAndNeverThePassword() {
        assertThatThrownBy(() -> PostgresLocation.parse("postgresql://app:hunter2@db:54x/site", null))
                .hasMessage("autotls.storage = 'postgresql://app:***@db:54x/site' is not a valid URL (port '54x' is not a"
                        + " port number (1 to 65535)); use postgresql://user@host:5432/database");
        assertThatThrownBy(() -> PostgresLocation.parse("postgresql://app:hunter2@db1,db2/site", null))
                .hasMessageContaining("names 2 hosts; give one").hasMessageNotContaining("hunter2");
        assertThat(ConnectionString.redact("jdbc:postgresql://db/site?user=app&Password=hunter2"))
                .isEqualTo("jdbc:postgresql://db/site?user=app&Password=***");
    }

    @Test
    void aPasswordWithAnUnescapedSlashIsNeitherEchoedNorLeftUnredacted() {
        String url = "postgresql://autotls:kq9/zv7@db.example:5432/autotls";
        assertThatThrownBy(() -> ConnectionString.parse(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("percent-encode")
                .hasMessageNotContaining("kq9").hasMessageNotContaining("zv7");
        assertThat(ConnectionString.redact(url)).doesNotContain("kq9").doesNotContain("zv7").contains("***");
    }
}
