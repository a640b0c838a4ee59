package dev.autotls.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.AutoTls;
import dev.autotls.ConfigurationException;
import dev.autotls.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationTest {
    @TempDir
    Path folder;

    private AutoTlsConfig resolve(Map<String, String> properties, Map<String, String> environment, Map<Setting, String> code) {
        return AutoTlsConfig.resolve(new SettingSources(properties::get, environment::get, code));
    }

    private AutoTlsConfig resolve(Map<String, String> properties) {
        return resolve(properties, Map.of(), Map.of());
    }

    @Test
    void systemPropertyBeatsEnvironmentBeatsCodeBeatsDefault() {
        Map<Setting, String> code = Map.of(Setting.DOMAINS, "code.test", Setting.HTTPS_PORT, "9443", Setting.CA, "letsencrypt-staging");
        AutoTlsConfig config = resolve(Map.of("autotls.domains", "prop.test"), Map.of("AUTOTLS_HTTPS_PORT", "7443"), code);
        assertThat(config.domains()).containsExactly("prop.test");
        assertThat(config.httpsPort()).isEqualTo(7443);
        assertThat(config.caDirectory()).isEqualTo(AutoTlsConfig.LETSENCRYPT_STAGING);
        assertThat(config.httpPort()).isEqualTo(80);
        assertThat(config.challenge()).isEqualTo(ChallengeMode.AUTO);
    }

    @Test
    void domainsAreCanonicalizedAndDeduplicated() {
        AutoTlsConfig config = resolve(Map.of("autotls.domains", " Example.TEST., *.example.test,bücher.test,example.test"));
        assertThat(config.domains()).containsExactly("example.test", "*.example.test", "xn--bcher-kva.test");
    }

    @Test
    void theCertificateCacheHoldsTenThousandUnlessToldAndRefusesWhatCannotHoldOne() {
        assertThat(resolve(Map.of("autotls.domains", "a.test")).cacheCertificates())
                .isEqualTo(dev.autotls.internal.tls.CertificateRegistry.DEFAULT_CACHE_SIZE).isEqualTo(10_000);
        assertThat(resolve(Map.of("autotls.domains", "a.test", "autotls.cache.certificates", " 20 ")).cacheCertificates())
                .isEqualTo(20);
        for (String wrong : new String[] {"0", "-5", "lots", "1e4", "99999999999"}) {
            assertThatThrownBy(() -> resolve(Map.of("autotls.domains", "a.test"), Map.of("AUTOTLS_CACHE_CERTIFICATES", wrong),
                    Map.of())).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("AUTOTLS_CACHE_CERTIFICATES = '" + wrong + "'")
                    .hasMessageContaining("a whole number of at least 1");
        }
    }

    @Test
    void errorsNameTheSettingTheValueAndWhatIsAllowed() {
        assertThat(resolve(Map.of()).domains()).as("no names yet: the store may hold some (StartupChecks decides)").isEmpty();
        assertThatThrownBy(() -> resolve(Map.of("autotls.domains", "a_b.test")))
                .hasMessageContaining("-Dautotls.domains = 'a_b.test'").hasMessageContaining("invalid label 'a_b'");
        assertThatThrownBy(() -> resolve(Map.of("autotls.domains", "a.*.test"))).hasMessageContaining("'*' only as the whole first label");
        assertThatThrownBy(() -> resolve(Map.of("autotls.domains", "intranet"))).hasMessageContaining("single label");
        assertThatThrownBy(() -> resolve(Map.of("autotls.domains", "a.test"), Map.of("AUTOTLS_CHALLENGE", "dns-01"), Map.of()))
                .hasMessageContaining("AUTOTLS_CHALLENGE = 'dns-01'").hasMessageContaining("auto, http-01, dns-persist-01, acme-dns");
        assertThatThrownBy(() -> resolve(Map.of("autotls.domains", "a.test", "autotls.https.port", "70000")))
                .hasMessageContaining("autotls.https.port = '70000'").hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> resolve(Map.of("autotls.domains", "a.test", "autotls.ca", "ftp://x")))
                .hasMessageContaining("letsencrypt, letsencrypt-staging, the https:// URL");
        assertThatThrownBy(() -> resolve(Map.of("autotls.domains", "a.test", "autotls.agree-tos", "sure")))
                .hasMessageContaining("use true or false");
        assertThatThrownBy(() -> resolve(Map.of("autotls.domains", "a.test", "autotls.key-type", "dsa")))
                .hasMessageContaining("ec256, rsa2048, rsa4096");
        assertThatThrownBy(() -> resolve(Map.of("autotls.domains", "a.test", "autotls.email", "nobody")))
                .hasMessageContaining("not an email address");
    }

    @Test
    void trustFileMustBeReadablePem() throws Exception {
        Path missing = folder.resolve("missing.pem");
        assertThatThrownBy(() -> resolve(Map.of("autotls.domains", "a.test", "autotls.ca.trust", missing.toString())))
                .hasMessageContaining(missing.toString()).hasMessageContaining("cannot be read");
        Path garbage = Files.writeString(folder.resolve("garbage.pem"), "not a certificate");
        assertThatThrownBy(() -> resolve(Map.of("autotls.domains", "a.test", "autotls.ca.trust", garbage.toString())))
                .hasMessageContaining("not a PEM file of certificates");
    }

    @Test
    void externalAccountBindingNeedsBothPartsAndNeverShowsTheSecret() {
        assertThatThrownBy(() -> resolve(Map.of("autotls.domains", "a.test", "autotls.eab.hmac-key", "c2VjcmV0")))
                .hasMessageContaining("go together").hasMessageNotContaining("c2VjcmV0");
        AutoTlsConfig config = resolve(Map.of("autotls.domains", "a.test", "autotls.eab.kid", "kid-1",
                "autotls.eab.hmac-key", "c2VjcmV0c2VjcmV0c2VjcmV0"));
        assertThat(config.toString()).doesNotContain("c2VjcmV0");
    }

    @Test
    void unknownSettingsAreNamedWithTheClosestRealOne() {
        assertThat(SettingSources.unknownNames(java.util.Set.of("autotls.domain", "autotls.ca", "user.home"),
                java.util.Set.of("AUTOTLS_AGREE_TO", "PATH")))
                .containsExactlyInAnyOrder("-Dautotls.domain (did you mean autotls.domains?)",
                        "AUTOTLS_AGREE_TO (did you mean AUTOTLS_AGREE_TOS?)");
    }

    @Test
    void environmentNamesFollowTheKeys() {
        assertThat(Setting.CA_TRUST.environmentName()).isEqualTo("AUTOTLS_CA_TRUST");
        assertThat(Setting.AGREE_TOS.environmentName()).isEqualTo("AUTOTLS_AGREE_TOS");
    }

    @Test
    void certificatesGroupABaseNameWithItsWildcard() {
        assertThat(DomainNames.certificates(java.util.List.of("*.a.test", "b.test", "a.test", "*.c.test")))
                .containsExactly(java.util.List.of("a.test", "*.a.test"), java.util.List.of("b.test"),
                        java.util.List.of("*.c.test"));
    }

    @Test
    void portInUseFailsAtInstallNamingTheSetting() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
            AutoTls autoTls = AutoTls.builder().ignoreSystemSettings().domains("a.test").storage(folder)
                    .agreeToTermsOfService(true).httpsPort(taken.getLocalPort()).httpPort(0).build();
            assertThatThrownBy(() -> autoTls.installOn(new org.eclipse.jetty.server.Server()))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessage("autotls.https.port (set in code) = " + taken.getLocalPort() + ": another program already "
                            + "listens there (Address already in use); stop it, or choose a free port");
        }
    }

    @Test
    void storageTakesAPostgresqlUrlInEachSpellingAndNeverShowsItsPassword() {
        for (String url : new String[] {"postgresql://app:s3cret@db.test:6543/site?sslmode=verify-full",
                "postgres://app:s3cret@db.test:6543/site?sslmode=verify-full",
                "jdbc:postgresql://db.test:6543/site?sslmode=verify-full&user=app&password=s3cret"}) {
            AutoTlsConfig config = resolve(Map.of("autotls.domains", "a.test", "autotls.storage", url));
            dev.autotls.internal.store.postgres.PostgresLocation database = config.storage().database().orElseThrow();
            assertThat(database.host()).isEqualTo("db.test");
            assertThat(database.port()).isEqualTo(6543);
            assertThat(database.database()).isEqualTo("site");
            assertThat(database.user()).isEqualTo("app");
            assertThat(database.password()).isEqualTo("s3cret");
            assertThat(database.parameters()).containsEntry("sslmode", "verify-full").doesNotContainKey("password");
            assertThat(config.toString()).doesNotContain("s3cret");
        }
        AutoTlsConfig separate = resolve(Map.of("autotls.domains", "a.test", "autotls.storage", "postgresql://app@db.test/site",
                "autotls.storage.password", "other"));
        assertThat(separate.storage().database().orElseThrow().password()).isEqualTo("other");
        assertThat(separate.storage().database().orElseThrow().port()).isEqualTo(5432);
    }

    @Test
    void storageValuesThatCanNeverWorkAreRefusedWithTheirFix() {
        assertThatThrownBy(() -> resolve(Map.of("autotls.domains", "a.test", "autotls.storage", "postgresql://app:pw@db.test")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("names no database")
                .hasMessageNotContaining(":pw@");
        assertThatThrownBy(() -> resolve(Map.of("autotls.domains", "a.test", "autotls.storage", "postgresql://db.test/site")))
                .hasMessageContaining("names no user");
        assertThatThrownBy(() -> resolve(Map.of("autotls.domains", "a.test", "autotls.storage", "redis://cache.test/0")))
                .hasMessageContaining("redis://").hasMessageContaining("postgresql://");
        assertThatThrownBy(() -> resolve(Map.of("autotls.domains", "a.test", "autotls.storage", folder.toString(),
                "autotls.storage.key", "AAAA"))).hasMessageContaining("autotls.storage.key").hasMessageContaining("folder");
        assertThatThrownBy(() -> resolve(Map.of("autotls.domains", "a.test", "autotls.storage.sync-interval", "often")))
                .hasMessageContaining("autotls.storage.sync-interval").hasMessageContaining("10s");
    }

    @Test
    void theListenUrlIsParsedAsTheStoresWithItsPasswordSettingAndRefusedWhereItCanNeverWork() {
        AutoTlsConfig config = resolve(Map.of("autotls.domains", "a.test",
                "autotls.storage", "postgresql://app@pooler.test:6432/site?sslmode=verify-full",
                "autotls.storage.listen-url", "postgresql://app@db.test/site", "autotls.storage.password", "secret"));
        dev.autotls.internal.store.postgres.PostgresLocation listen = config.storage().listenAt().orElseThrow();
        assertThat(listen.host()).isEqualTo("db.test");
        assertThat(listen.port()).isEqualTo(5432);
        assertThat(listen.password()).as("from autotls.storage.password, as for the store").isEqualTo("secret");
        assertThat(resolve(Map.of("autotls.domains", "a.test", "autotls.storage", "postgresql://app@db.test/site"))
                .storage().listenAt()).isEmpty();
        assertThat(resolve(Map.of("autotls.domains", "a.test", "autotls.storage", "postgresql://app@pooler.test:6432/site",
                "autotls.storage.listen-url", "postgresql://direct:own@db.test/site", "autotls.storage.password", "secret"))
                .storage().listenAt().orElseThrow().password()).as("the listen URL's own password wins").isEqualTo("own");
        assertThat(dev.autotls.Setting.STORAGE_LISTEN_URL.secret()).as("it may carry a password").isTrue();

        assertThatThrownBy(() -> resolve(Map.of("autotls.domains", "a.test", "autotls.storage", "postgresql://app@db.test/site",
                "autotls.storage.listen-url", "postgresql://app:pw@db.test")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("autotls.storage.listen-url = ")
                .hasMessageContaining("names no database").hasMessageNotContaining(":pw@");
        assertThatThrownBy(() -> resolve(Map.of("autotls.domains", "a.test", "autotls.storage", "postgresql://app@db.test/site",
                "autotls.storage.listen-url", "db.test:5432")))
                .hasMessageContaining("autotls.storage.listen-url = 'db.test:5432' is not a PostgreSQL URL");
        assertThatThrownBy(() -> resolve(Map.of("autotls.domains", "a.test", "autotls.storage", folder.toString(),
                "autotls.storage.listen-url", "postgresql://app@db.test/site")))
                .hasMessageContaining("autotls.storage.listen-url is set").hasMessageContaining("is a folder");
    }

    @Test
    void aFileWhereTheStorageFolderShouldBeIsRefusedAtBuild() throws Exception {
        Path file = Files.writeString(folder.resolve("not-a-folder"), "x");
        assertThatThrownBy(() -> AutoTls.builder().ignoreSystemSettings().domains("a.test").storage(file).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("is a file, not a folder");
    }
}
