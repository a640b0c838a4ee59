package dev.autotls.internal.acmedns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.acmedns.Database;
import dev.autotls.acmedns.ResponderConfig.ResponseRateLimit;
import dev.autotls.acmedns.ResponderConfig.TcpLimits;
import dev.autotls.acmedns.ResponderConfig;
import dev.autotls.fuzz.FuzzInput;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** acme-dns's config.cfg, as its users have it, read as it is. */
class ConfigFileTest {
    @TempDir
    Path folder;

    private Path write(String text) throws Exception {
        return Files.writeString(folder.resolve("config.cfg"), text);
    }

    @Test
    void readsAFullAcmeDnsConfigWithUnknownKeysAndAStringPort() throws Exception {
        ResponderConfig config = ConfigFile.read(write(String.join("\n",
                "[general]",
                "listen = \"127.0.0.1:5353\"",
                "protocol = \"both4\"",
                "domain = \"Auth.Example.ORG.\"",
                "nsname = \"auth.example.org\"",
                "nsadmin = \"admin.example.org\"",
                "records = [",
                "    \"auth.example.org. A 198.51.100.1\",",
                "    \"auth.example.org. NS auth.example.org.\",",
                "]",
                "debug = false",
                "something_new = 1",
                "[database]",
                "engine = \"sqlite3\"",
                "connection = \"/var/lib/acme-dns/acme-dns.db\"",
                "[api]",
                "ip = \"0.0.0.0\"",
                "disable_registration = true",
                "port = \"8443\"",
                "tls = \"letsencryptstaging\"",
                "acme_cache_dir = \"api-certs\"",
                "notification_email = \"ops@example.org\"",
                "corsorigins = [\"*\"]",
                "use_header = true",
                "header_name = \"X-Forwarded-For\"",
                "[logconfig]",
                "loglevel = \"debug\"",
                "logtype = \"stdout\"",
                "logformat = \"json\"",
                "[future]",
                "x = 1",
                "")));
        assertThat(config.zone()).isEqualTo("auth.example.org");
        assertThat(config.dnsAddress().getPort()).isEqualTo(5353);
        assertThat(config.udp()).isTrue();
        assertThat(config.tcp()).isTrue();
        assertThat(config.staticRecords()).hasSize(2);
        assertThat(config.apiAddress().getPort()).isEqualTo(8443);
        assertThat(config.apiTls()).isEqualTo("letsencryptstaging");
        assertThat(config.registrationOpen()).isFalse();
        assertThat(config.useHeader()).isTrue();
        assertThat(config.corsOrigins()).containsExactly("*");
        assertThat(config.txtValues()).isEqualTo(2);
    }

    @Test
    void udpOnlyAndTheAutotlsSection() throws Exception {
        ResponderConfig config = ConfigFile.read(write("[general]\nprotocol = \"udp6\"\ndomain = \"a.test\"\n"
                + "[database]\nconnection = \"x.db\"\n[autotls]\ntxt_values = 5\n"));
        assertThat(config.udp()).isTrue();
        assertThat(config.tcp()).isFalse();
        assertThat(config.txtValues()).isEqualTo(5);
    }

    @Test
    void readsThePostgresEngineWithLibPqsConnectionString() throws Exception {
        ResponderConfig config = ConfigFile.read(write("[general]\ndomain = \"a.test\"\n[database]\nengine = \"postgres\"\n"
                + "connection = \"postgres://acme:s3cr%40t@db.example.org:6432/acmedns?sslmode=verify-full\"\n"));
        assertThat(config.database()).isInstanceOf(Database.Postgres.class);
        PostgresConnection connection = PostgresConnection.parse(((Database.Postgres) config.database()).connection());
        assertThat(connection.hosts()).containsExactly("db.example.org");
        assertThat(connection.ports()).containsExactly(6432);
        assertThat(connection.user()).isEqualTo("acme");
        assertThat(connection.password()).isEqualTo("s3cr@t");
        assertThat(connection.database()).isEqualTo("acmedns");
        assertThat(connection.sslMode()).isEqualTo("verify-full");
        assertThat(config.toString()).doesNotContain("s3cr");
    }

    @Test
    void sqliteAndSqlite3NameAFile() throws Exception {
        for (String engine : new String[] {"sqlite3", "sqlite"}) {
            ResponderConfig config = ConfigFile.read(write("[general]\ndomain = \"a.test\"\n[database]\nengine = \""
                    + engine + "\"\nconnection = \"/var/lib/acme-dns/acme-dns.db\"\n"));
            assertThat(config.database()).isEqualTo(Database.sqlite(Path.of("/var/lib/acme-dns/acme-dns.db")));
        }
    }

    @Test
    void aWrongPostgresConnectionNamesTheSettingAndHidesThePassword() throws Exception {
        assertThatThrownBy(() -> ConfigFile.read(write("[general]\ndomain = \"a.test\"\n[database]\nengine = \"postgres\"\n"
                + "connection = \"postgres://acme:hunter2@db:54x/acmedns?sslmode=disable\"\n")))
                .hasMessageContaining("[database] connection = 'postgres://acme:***@db:54x/acmedns?sslmode=disable'")
                .hasMessageContaining("port '54x' is not a port number")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void errorsNameTheSectionKeyAndValue() throws Exception {
        assertThatThrownBy(() -> ConfigFile.read(write("[general]\ndomain = \"a.test\"\n")))
                .hasMessageContaining("[database] connection is missing");
        assertThatThrownBy(() -> ConfigFile.read(write("[general]\ndomain = \"a.test\"\nprotocol = \"sctp\"\n"
                + "[database]\nconnection = \"x.db\"\n"))).hasMessageContaining("[general] protocol = 'sctp'");
        assertThatThrownBy(() -> ConfigFile.read(write("[general]\ndomain = \"a.test\"\n[database]\nengine = \"mysql\"\n"
                + "connection = \"x\"\n"))).hasMessageContaining("[database] engine = 'mysql': use sqlite3 (or sqlite)"
                + " with a file, or postgres with a postgres:// connection");
        assertThatThrownBy(() -> ConfigFile.read(write("[general]\ndomain = \"a.test\"\n[database]\nconnection = \"x.db\"\n"
                + "[api]\ntls = \"cert\"\n"))).hasMessageContaining("needs tls_cert_privkey and tls_cert_fullchain");
        assertThatThrownBy(() -> ConfigFile.read(write("[general\n"))).hasMessageContaining("is not valid TOML");
    }

    @Test
    void registrationsPassInABurstByDefaultAndTheBurstCanBeSet() throws Exception {
        ResponderConfig defaults = ConfigFile.read(write("[general]\ndomain = \"a.test\"\n[database]\nconnection = \"x.db\"\n"));
        assertThat(defaults.registrationBurst()).isEqualTo(200);
        assertThat(defaults.registrationsPerMinute()).isEqualTo(10);
        ResponderConfig set = ConfigFile.read(write("[general]\ndomain = \"a.test\"\n[database]\nconnection = \"x.db\"\n"
                + "[autotls]\nregistration_burst = 500\nregistrations_per_minute = 60\n"));
        assertThat(set.registrationBurst()).isEqualTo(500);
        assertThat(set.registrationsPerMinute()).isEqualTo(60);
        Path zero = write("[general]\ndomain = \"a.test\"\n[database]\nconnection = \"x.db\"\n[autotls]\nregistration_burst = 0\n");
        assertThatThrownBy(() -> ConfigFile.read(zero)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(zero + ": [autotls] registration_burst = 0, ");
    }

    @Test
    void theDnsDefencesAreOnByDefaultAndSetInTheAutotlsSection() throws Exception {
        ResponderConfig defaults = ConfigFile.read(write("[general]\ndomain = \"a.test\"\n[database]\nconnection = \"x.db\"\n"));
        assertThat(defaults.rateLimit()).isEqualTo(ResponseRateLimit.DEFAULTS);
        assertThat(defaults.rateLimit().enabled()).isTrue();
        assertThat(defaults.tcpLimits()).isEqualTo(TcpLimits.DEFAULTS);
        ResponderConfig set = ConfigFile.read(write("[general]\ndomain = \"a.test\"\n[database]\nconnection = \"x.db\"\n"
                + "[autotls]\nrrl_responses_per_second = 50\nrrl_window_seconds = 15\nrrl_slip = 1\n"
                + "rrl_ipv4_prefix_length = 32\nrrl_ipv6_prefix_length = 64\n"
                + "tcp_max_connections = 300\ntcp_max_per_address = 30\ntcp_idle_timeout_seconds = 20\n"));
        assertThat(set.rateLimit()).isEqualTo(new ResponseRateLimit(50, 15, 1, 32, 64));
        assertThat(set.tcpLimits()).isEqualTo(new TcpLimits(300, 30, java.time.Duration.ofSeconds(20)));
        ResponderConfig off = ConfigFile.read(write("[general]\ndomain = \"a.test\"\n[database]\nconnection = \"x.db\"\n"
                + "[autotls]\nrrl_responses_per_second = 0\n"));
        assertThat(off.rateLimit().enabled()).isFalse();
        Path wrong = write("[general]\ndomain = \"a.test\"\n[database]\nconnection = \"x.db\"\n[autotls]\nrrl_slip = -1\n");
        assertThatThrownBy(() -> ConfigFile.read(wrong)).hasMessage(wrong + ": [autotls] rrl_slip = -1: give 0 (drop all) to 10");
        Path cap = write("[general]\ndomain = \"a.test\"\n[database]\nconnection = \"x.db\"\n[autotls]\n"
                + "tcp_max_connections = 10\ntcp_max_per_address = 20\n");
        assertThatThrownBy(() -> ConfigFile.read(cap))
                .hasMessage(cap + ": [autotls] tcp_max_per_address = 20: give 1 to tcp_max_connections (10)");
    }

    @Test
    void aMissingFileIsSaidToBeMissingNotMalformed() {
        Path missing = folder.resolve("config.cfg");
        assertThatThrownBy(() -> ConfigFile.read(missing)).isInstanceOf(IOException.class)
                .hasMessage(missing + " does not exist; write acme-dns's config.cfg there or name another file with --config.");
    }

    @Test
    void aFolderIsSaidToBeAFolder() {
        assertThatThrownBy(() -> ConfigFile.read(folder))
                .hasMessage(folder + " is a folder; name acme-dns's config.cfg itself with --config.");
    }

    @Test
    void anUnreadableFileIsSaidToBeUnreadable() throws Exception {
        Path file = write("[general]\ndomain = \"a.test\"\n");
        String sentence = file + " cannot be read by this user (permission denied); let the user that runs the responder read it.";
        // root reads any file, so the test also hands the reader's failure over directly
        assertThat(ConfigFile.unreadable(file, new AccessDeniedException(file.toString())).getMessage()).isEqualTo(sentence);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        if (!Files.isReadable(file)) {
            assertThatThrownBy(() -> ConfigFile.read(file)).hasMessage(sentence);
        }
    }

    @Test
    void aMalformedFileGivesTheLineAndNeverItsContent() throws Exception {
        Path file = write("[general]\ndomain = \"a.test\"\n[database]\nconnection = \"postgres://acme:hunter2@db/acmedns\n");
        assertThatThrownBy(() -> ConfigFile.read(file))
                .hasMessageStartingWith(file + " is not valid TOML at line 4, column ")
                .hasMessageEndingWith("; fix it there (acme-dns's config.cfg is TOML: [section] headers, key = \"value\" lines).")
                .hasMessageNotContaining("hunter2").hasMessageNotContaining("postgres")
                .hasNoCause();
        Path binary = Files.write(folder.resolve("binary.cfg"), new byte[] {0, (byte) 0xFF, 'k', '=', (byte) 0xC3, '\n'});
        assertThatThrownBy(() -> ConfigFile.read(binary)).hasMessageStartingWith(binary + " is not valid TOML").hasNoCause();
    }

    @Test
    void aTxtValuesCountOutOfRangeIsAnErrorInTheFileNotACrash() throws Exception {
        // found by ConfigFileFuzzer: ResponderConfig's IllegalArgumentException escaped read()
        Path file = Files.write(folder.resolve("config.cfg"), FuzzInput.saved("ConfigFileFuzzer", "crash-txt-values-zero.cfg"));
        assertThatThrownBy(() -> ConfigFile.read(file)).isInstanceOf(IOException.class)
                .hasMessage(file + ": [autotls] txt_values = 0: keep between 1 and 100 values per account");
    }

    @Test
    void anSqliteFileNameWithANulCharacterIsAnErrorInTheFileNotACrash() throws Exception {
        // found by ConfigFileFuzzer: Path.of's InvalidPathException escaped read()
        Path file = Files.write(folder.resolve("config.cfg"), FuzzInput.saved("ConfigFileFuzzer", "crash-sqlite-connection-with-nul.cfg"));
        assertThatThrownBy(() -> ConfigFile.read(file)).isInstanceOf(IOException.class)
                .hasMessage(file + ": [database] connection = 'x.\u0000db' is not a file name: Nul character not allowed");
    }
}
