package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autotls.cli.Main;
import dev.autotls.internal.store.CertificateFiles;
import dev.autotls.internal.store.FileCertificateStore;
import dev.autotls.internal.store.LeaseTimes;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.internal.store.StoredCertificate;
import dev.autotls.internal.store.postgres.PostgresCertificateStore;
import dev.autotls.internal.store.postgres.PostgresLocation;
import dev.autotls.spi.CertificateStore;
import dev.autotls.testing.Postgres;
import dev.autotls.testing.StoredSite;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 (8): {@code migrate-storage --from FOLDER --to postgresql://...} moves a site into a
 * real PostgreSQL so the account URL (named by dns-persist-01 records) and the acme-dns
 * registration (named by the CNAME) stay the same; a second run changes nothing; a different
 * account in the database is refused with one sentence.
 */
class MigrateStorageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CA = "ca.test_14000-dir";
    private static final String ACCOUNT_URL = "https://ca.test:14000/my-account/17";
    private static final URI ACME_DNS = URI.create("https://auth.test/");

    private static Postgres postgres;

    @TempDir
    Path dir;

    @BeforeAll
    static void startDatabase() throws Exception {
        postgres = Postgres.start();
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void emptyTheStore() throws Exception {
        try (Connection connection = postgres.connect(); Statement statement = connection.createStatement()) {
            statement.execute("DO $$ BEGIN IF to_regclass('autotls_items') IS NOT NULL THEN DELETE FROM autotls_items; END IF; END $$");
        }
    }

    record Run(int exit, String stdout, String stderr) {
    }

    /** Main.run with stdout and stderr captured (the command prints its report there). */
    private static synchronized Run migrate(String... options) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            List<String> args = new java.util.ArrayList<>(List.of("migrate-storage"));
            args.addAll(List.of(options));
            int exit = Main.run(args.toArray(new String[0]));
            return new Run(exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private Path sourceFolder() throws Exception {
        Path folder = dir.resolve("storage");
        try (FileCertificateStore source = new FileCertificateStore(folder)) {
            StoredSite.account(source, CA, ACCOUNT_URL);
            StoredSite.certificate(source, CA, List.of("a.test", "*.a.test"), Clock.systemUTC());
            StoredSite.registration(source, ACME_DNS, "a.test", "0f3c2a.auth.test");
        }
        return folder;
    }

    private static PostgresCertificateStore database() throws Exception {
        return PostgresCertificateStore.open(PostgresLocation.parse(postgres.url(), null), null, true, LeaseTimes.STANDARD);
    }

    /** Every item's key with its version and whether the database marks it secret. */
    private static Map<String, String> rows() throws Exception {
        Map<String, String> rows = new TreeMap<>();
        try (Connection connection = postgres.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT key, version, secret FROM autotls_items")) {
            while (row.next()) {
                rows.put(row.getString(1), row.getLong(2) + (row.getBoolean(3) ? " secret" : " public"));
            }
        }
        return rows;
    }

    @Test
    void movesASiteIntoPostgresAndASecondRunChangesNothing() throws Exception {
        Path folder = sourceFolder();
        String registrationKey = StorageKeys.acmeDnsRegistration(ACME_DNS, "a.test");

        Run first = migrate("--from", folder.toString(), "--to", postgres.url());

        assertThat(first.exit()).as(first.stderr()).isZero();
        // in the source's sorted order: acme-dns/ before the CA folder
        assertThat(first.stdout().lines()).containsExactly(
                "copied: the acme-dns registration " + registrationKey + " (_acme-challenge.a.test CNAME 0f3c2a.auth.test)",
                "copied: the account of " + CA + " (" + ACCOUNT_URL + ")",
                first.stdout().lines().filter(line -> line.startsWith("copied: the certificate " + CA
                        + "/certificates/a.test (a.test, *.a.test, expires ")).findFirst().orElse("no line for the certificate"),
                "Migrated in one write: 3 copied (6 items), 0 already there, 0 kept the target's, 0 left out; from "
                        + folder.toAbsolutePath() + " to postgresql://autotls@127.0.0.1:" + postgres.port() + "/autotls.");
        assertThat(first.stdout() + first.stderr()).doesNotContain(Postgres.PASSWORD);

        try (FileCertificateStore source = new FileCertificateStore(folder); PostgresCertificateStore target = database()) {
            StoredCertificate copied = new CertificateFiles(target, CA).load("a.test").orElseThrow();
            StoredCertificate original = new CertificateFiles(source, CA).load("a.test").orElseThrow();
            assertThat(copied.chain()).isEqualTo(original.chain());
            assertThat(copied.keyPair().getPrivate()).isEqualTo(original.keyPair().getPrivate());
            assertThat(copied.names()).containsExactly("a.test", "*.a.test");
            assertThat(accountUrl(target)).isEqualTo(ACCOUNT_URL);
            assertThat(target.load(StorageKeys.account(CA, StorageKeys.ACCOUNT_KEY)).orElseThrow())
                    .isEqualTo(source.load(StorageKeys.account(CA, StorageKeys.ACCOUNT_KEY)).orElseThrow());
            JsonNode registration = JSON.readTree(target.load(registrationKey).orElseThrow());
            assertThat(registration).isEqualTo(JSON.readTree(source.load(registrationKey).orElseThrow()));
            assertThat(registration.path("fulldomain").asText()).isEqualTo("0f3c2a.auth.test");
        }
        Map<String, String> rows = rows();
        assertThat(rows).hasSize(6);
        assertThat(rows).allSatisfy((key, row) -> assertThat(row).as(key).endsWith(
                key.endsWith(StorageKeys.ACCOUNT_KEY) || key.endsWith(StorageKeys.PRIVATE_KEY) || key.startsWith("acme-dns/")
                        ? " secret" : " public"));

        // again, with the password out of the URL as an operator would pass it
        String withoutPassword = "postgresql://" + Postgres.USER + "@127.0.0.1:" + postgres.port() + "/" + Postgres.DATABASE;
        System.setProperty("autotls.storage.password", Postgres.PASSWORD);
        Run second;
        try {
            second = migrate("--from", folder.toString(), "--to", withoutPassword);
        } finally {
            System.clearProperty("autotls.storage.password");
        }
        assertThat(second.exit()).as(second.stderr()).isZero();
        assertThat(second.stdout().lines()).hasSize(4).allMatch(line -> line.startsWith("already there: ")
                || line.startsWith("Nothing to write: 0 copied (0 items), 3 already there"));
        assertThat(rows()).as("no key saved again: the same versions").isEqualTo(rows);
    }

    @Test
    void refusesAnotherAccountInTheDatabaseWithOneSentenceAndWritesNothing() throws Exception {
        Path folder = sourceFolder();
        try (PostgresCertificateStore target = database()) {
            StoredSite.account(target, CA, "https://ca.test:14000/my-account/99");
        }
        Map<String, String> before = rows();

        Run refused = migrate("--from", folder.toString(), "--to", postgres.url());

        assertThat(refused.exit()).isEqualTo(3);
        assertThat(refused.stdout()).isEmpty();
        List<String> ours = refused.stderr().lines().filter(line -> line.startsWith("autotls migrate-storage: ")).toList();
        assertThat(ours).singleElement().satisfies(line -> assertThat(line)
                .contains(CA, "target: https://ca.test:14000/my-account/99", "source: " + ACCOUNT_URL, "nothing was copied")
                .endsWith("then run again."));
        assertThat(refused.stderr()).doesNotContain("\tat ", Postgres.PASSWORD);
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void aRefusedLoginIsOneSentenceWithoutThePassword() throws Exception {
        Path folder = sourceFolder();
        String wrong = "postgresql://" + Postgres.USER + ":not-the-password-42@127.0.0.1:" + postgres.port() + "/" + Postgres.DATABASE;

        Run refused = migrate("--from", folder.toString(), "--to", wrong);

        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.stderr()).contains("autotls migrate-storage: ", "refused the login of autotls")
                .doesNotContain("not-the-password-42", "\tat ");
    }

    @Test
    void sealsSecretsWithTheStorageKeyAndSaysSoWhenTheKeyIsMissing() throws Exception {
        Path folder = sourceFolder();
        String storageKey = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        System.setProperty("autotls.storage.key", storageKey);
        Run sealed;
        try {
            sealed = migrate("--from", folder.toString(), "--to", postgres.url());
        } finally {
            System.clearProperty("autotls.storage.key");
        }
        assertThat(sealed.exit()).as(sealed.stderr()).isZero();
        try (Connection connection = postgres.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT count(*) FROM autotls_items WHERE secret AND sealed")) {
            row.next();
            assertThat(row.getInt(1)).as("account key, certificate key, registration").isEqualTo(3);
        }
        String accountKey = StorageKeys.account(CA, StorageKeys.ACCOUNT_KEY);
        try (FileCertificateStore source = new FileCertificateStore(folder);
             PostgresCertificateStore target = PostgresCertificateStore.open(PostgresLocation.parse(postgres.url(), null),
                     storageKey, true, LeaseTimes.STANDARD)) {
            assertThat(target.load(accountKey).orElseThrow()).isEqualTo(source.load(accountKey).orElseThrow());
        }

        Run withoutKey = migrate("--from", folder.toString(), "--to", postgres.url());
        assertThat(withoutKey.exit()).isEqualTo(2);
        assertThat(withoutKey.stderr()).contains("encrypted; set autotls.storage.key", "nothing was written.");
    }

    private static String accountUrl(CertificateStore store) throws Exception {
        return JSON.readTree(store.load(StorageKeys.account(CA, StorageKeys.ACCOUNT_INFO)).orElseThrow()).path("url").asText();
    }
}
