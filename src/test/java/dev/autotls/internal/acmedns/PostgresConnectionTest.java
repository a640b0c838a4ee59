package dev.autotls.internal.acmedns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** acme-dns's [database] connection for postgres, read as lib/pq reads it. */
class PostgresConnectionTest {

    @Test
    void urlFormWithDefaultsOfLibPq() {
        PostgresConnection connection = PostgresConnection.parse("postgres://acme@db.internal/");
        assertThat(connection.hosts()).containsExactly("db.internal");
        assertThat(connection.ports()).containsExactly(5432);
        assertThat(connection.user()).isEqualTo("acme");
        assertThat(connection.password()).isNull();
        assertThat(connection.database()).as("lib/pq: the server takes the user's name").isEqualTo("acme");
        assertThat(connection.sslMode()).as("lib/pq's default, not libpq's prefer").isEqualTo("require");
    }

    @Test
    void urlFormDecodesEscapesAndReadsQueryParameters() {
        PostgresConnection connection = PostgresConnection.parse(
                "postgresql://acme%2Bdns:p%40ss+w%2Frd@[2001:db8::5]:6543/acme%20db?sslmode=verify-ca"
                        + "&sslrootcert=/etc/ssl/pg+root.pem&connect_timeout=3&search_path=acme,public");
        assertThat(connection.hosts()).containsExactly("2001:db8::5");
        assertThat(connection.ports()).containsExactly(6543);
        assertThat(connection.user()).isEqualTo("acme+dns");
        assertThat(connection.password()).as("+ is literal outside the query").isEqualTo("p@ss+w/rd");
        assertThat(connection.database()).isEqualTo("acme db");
        assertThat(connection.sslMode()).isEqualTo("verify-ca");
        assertThat(connection.setting("sslrootcert")).as("+ is a space in the query").isEqualTo("/etc/ssl/pg root.pem");
        assertThat(connection.setting("connect_timeout")).isEqualTo("3");
        assertThat(connection.serverSettings()).isEqualTo(Map.of("search_path", "acme,public"));
    }

    @Test
    void severalHostsWithTheirPorts() {
        PostgresConnection connection = PostgresConnection.parse("postgres://u:p@db1:5432,db2:5433/acme");
        assertThat(connection.hosts()).containsExactly("db1", "db2");
        assertThat(connection.ports()).containsExactly(5432, 5433);
    }

    @Test
    void keyValueFormWithQuotesAndEscapes() {
        PostgresConnection connection = PostgresConnection.parse(
                "host=db.internal port = 6432 user=acme password='it\\'s a secret' dbname=acmedns sslmode=disable"
                        + " application_name=space\\ man");
        assertThat(connection.hosts()).containsExactly("db.internal");
        assertThat(connection.ports()).containsExactly(6432);
        assertThat(connection.user()).isEqualTo("acme");
        assertThat(connection.password()).isEqualTo("it's a secret");
        assertThat(connection.database()).isEqualTo("acmedns");
        assertThat(connection.sslMode()).isEqualTo("disable");
        assertThat(connection.setting("application_name")).isEqualTo("space man");
        assertThat(connection.serverSettings()).isEmpty();
    }

    @Test
    void toStringNeverShowsThePassword() {
        assertThat(PostgresConnection.parse("postgres://acme:hunter2@db/acmedns?sslmode=disable"))
                .hasToString("postgres://acme:***@db:5432/acmedns?sslmode=disable");
        assertThat(PostgresConnection.parse("user=acme password=hunter2 host=db").toString()).doesNotContain("hunter2");
    }

    @Test
    void errorsSayWhatIsWrongAndHideThePassword() {
        assertThatThrownBy(() -> PostgresConnection.parse("postgres://acme:hunter2@db/acmedns?sslmode=sometimes"))
                .hasMessage("'postgres://acme:***@db/acmedns?sslmode=sometimes': sslmode 'sometimes': use disable, allow,"
                        + " prefer, require, verify-ca or verify-full");
        assertThatThrownBy(() -> PostgresConnection.parse("host=db password='hunter2' target_session_attrs=read-write"))
                .hasMessageContaining("cannot honour 'target_session_attrs'; remove it").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> PostgresConnection.parse("host=db password='hunter2"))
                .hasMessageContaining("opens a quote that is never closed").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> PostgresConnection.parse("postgres://acme:hun%zzter2@db/acmedns"))
                .hasMessageContaining("'%' must start an escape").hasMessageNotContaining("hun");
        assertThatThrownBy(() -> PostgresConnection.parse("/var/lib/acme-dns/acme-dns.db"))
                .hasMessageContaining("give a postgres:// URL or key=value pairs");
        assertThatThrownBy(() -> PostgresConnection.parse("host=/var/run/postgresql"))
                .hasMessageContaining("Unix-domain socket folder");
        assertThatThrownBy(() -> PostgresConnection.parse("postgres://u:p@db?password=hunter2&client_encoding=LATIN1"))
                .hasMessageContaining("only UTF8").hasMessageNotContaining("hunter2");
    }
}
