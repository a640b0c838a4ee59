package dev.autotls.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.AutoTls;
import dev.autotls.ConfigurationException;
import dev.autotls.Setting;
import dev.autotls.internal.Assembly;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code autotls.ca} chooses the built-in local CA, and what it refuses at start. */
class LocalCaSettingsTest {

    private static AutoTlsConfig resolve(Map<String, String> properties) {
        return AutoTlsConfig.resolve(new SettingSources(properties::get, key -> null, Map.of()));
    }

    @Test
    void withNoCaSetLocalNamesGoToTheLocalCaAndOthersToTheDefaultCa() {
        AutoTlsConfig config = resolve(Map.of("autotls.domains", "localhost,*.localhost,example.com,app.test"));
        assertThat(config.cas().localCa()).isEqualTo(LocalCaUse.LOCAL_NAMES);
        assertThat(config.cas().issuedLocally(List.of("localhost", "*.localhost"))).isTrue();
        assertThat(config.cas().issuedLocally(List.of("app.test"))).isTrue();
        assertThat(config.cas().issuedLocally(List.of("example.com"))).isFalse();
        assertThat(config.caDirectory()).isEqualTo(CaSettings.LETSENCRYPT);
        assertThat(config.needsAcme()).isTrue();
        assertThat(resolve(Map.of("autotls.domains", "localhost")).needsAcme()).isFalse();
    }

    @Test
    void withoutACaSetLoopbackAndPrivateAddressesGoToTheLocalCaAndPublicOnesToTheDefault() {
        AutoTlsConfig config = resolve(Map.of("autotls.domains", "127.0.0.1,::1,192.168.1.10,192.0.2.1"));
        assertThat(config.cas().issuedLocally(List.of("127.0.0.1"))).isTrue();
        assertThat(config.cas().issuedLocally(List.of("::1"))).isTrue();
        assertThat(config.cas().issuedLocally(List.of("192.168.1.10"))).isTrue();
        assertThat(config.cas().issuedLocally(List.of("192.0.2.1"))).isFalse();
        AutoTlsConfig explicit = resolve(Map.of("autotls.domains", "127.0.0.1", "autotls.ca", "letsencrypt-staging"));
        assertThat(explicit.cas().issuedLocally(List.of("127.0.0.1"))).as("a CA named in autotls.ca gets it").isFalse();
    }

    @Test
    void localAloneIssuesEveryCertificateAndNeedsNoAcmeAccount() {
        AutoTlsConfig config = resolve(Map.of("autotls.domains", "localhost,nas.home.arpa", "autotls.ca", "LOCAL"));
        assertThat(config.cas().localCa()).isEqualTo(LocalCaUse.ALL);
        assertThat(config.needsAcme()).isFalse();
        assertThat(config.usesLocalCa()).isTrue();
    }

    @Test
    void anAutoTlsWithLocalAloneBuildsWithoutAnyAcmeSetting(@TempDir Path storage) {
        AutoTls autoTls = AutoTls.builder().ignoreSystemSettings().domains("localhost")
                .storage(storage).set(Setting.CA, "local").httpsPort(0).build();
        assertThat(autoTls.getBean(Assembly.class).certificates().get(0).strategyReason)
                .isEqualTo("issued by the built-in local CA (autotls.ca = local), no challenge");
    }

    @Test
    void anExplicitAcmeCaGetsEveryCertificate() {
        AutoTlsConfig config = resolve(Map.of("autotls.domains", "app.test", "autotls.ca", "letsencrypt-staging"));
        assertThat(config.cas().localCa()).isEqualTo(LocalCaUse.OFF);
        assertThat(config.cas().issuedLocally(List.of("app.test"))).isFalse();
    }

    @Test
    void localWithAPublicNameIsRefusedAtStart() {
        assertThatThrownBy(() -> resolve(Map.of("autotls.domains", "localhost,example.com", "autotls.ca", "local")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("-Dautotls.ca = 'local': example.com is not a local name, and the built-in local CA issues only "
                        + "for localhost, *.localhost, names under .test, .internal and .home.arpa, and loopback and private IP "
                        + "addresses (127.0.0.0/8, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, ::1/128, fc00::/7); remove example.com from "
                        + "-Dautotls.domains, or unset -Dautotls.ca so that public names go to the default ACME CA");
    }

    @Test
    void localWithSettingsOnlyAnAcmeCaReadsIsRefusedNamingThem() {
        assertThatThrownBy(() -> resolve(Map.of("autotls.domains", "localhost", "autotls.ca", "local",
                "autotls.eab.kid", "kid", "autotls.ca.2.trust", "/tmp/roots.pem")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("-Dautotls.ca = 'local': the built-in local CA has no account, trust, profile or fallback, so "
                        + "-Dautotls.eab.kid, -Dautotls.ca.2.trust would all be ignored; unset them, or name an ACME CA "
                        + "instead of local");
    }

    @Test
    void localIsNoFallbackCa() {
        assertThatThrownBy(() -> resolve(Map.of("autotls.domains", "localhost", "autotls.ca", "letsencrypt,local")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("-Dautotls.ca = 'letsencrypt,local': local cannot be one of several CAs: it issues only for local "
                        + "names, so it is no fallback for an ACME CA; set -Dautotls.ca=local alone, or leave it unset so "
                        + "that local names use it and the others the default CA");
    }

    @Test
    void localhostGoesToTheLocalCaWhateverAcmeCaIsSetSinceNoneCanValidateIt() {
        AutoTlsConfig config = resolve(Map.of("autotls.domains", "localhost,app.test,example.com", "autotls.ca", "letsencrypt"));
        assertThat(config.cas().issuedLocally(List.of("localhost"))).isTrue();
        assertThat(config.cas().issuedLocally(List.of("app.test"))).as("a private ACME CA may serve .test").isFalse();
        assertThat(config.cas().issuedLocally(List.of("example.com"))).isFalse();
    }
}
