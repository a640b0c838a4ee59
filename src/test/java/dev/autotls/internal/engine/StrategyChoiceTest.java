package dev.autotls.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.AutoTls;
import dev.autotls.ConfigurationException;
import dev.autotls.Setting;
import dev.autotls.internal.Assembly;
import dev.autotls.internal.challenge.TlsAlpn01Strategy;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which strategy a certificate gets for tls-alpn-01 and auto, and why; building an AutoTls needs no network. */
class StrategyChoiceTest {
    @TempDir
    Path storage;

    private AutoTls.Builder site(String challenge, String httpPort, String... names) {
        return AutoTls.builder().ignoreSystemSettings().domains(names).storage(storage).challenge(challenge)
                .set(Setting.HTTP_PORT, httpPort).httpsPort(0).agreeToTermsOfService(true);
    }

    private static ManagedCertificate only(AutoTls autoTls) {
        assertThat(autoTls.getBean(Assembly.class).certificates()).hasSize(1);
        return autoTls.getBean(Assembly.class).certificates().get(0);
    }

    @Test
    void autoOffersTlsAlpnInHttp01sPlaceWhenTheHttpPortIsOff() {
        ManagedCertificate certificate = only(site("auto", "off", "a.test").build());
        assertThat(certificate.strategy.challengeTypes()).contains(TlsAlpn01Strategy.NAME).doesNotContain("http-01");
        assertThat(certificate.strategyReason).contains("tls-alpn-01 instead of http-01, because autotls.http.port = off");
    }

    @Test
    void autoKeepsHttp01AndNeverTlsAlpnWhenTheHttpPortIsOn() {
        ManagedCertificate certificate = only(site("auto", "0", "a.test").build());
        assertThat(certificate.strategy.challengeTypes()).contains("http-01").doesNotContain(TlsAlpn01Strategy.NAME);
        assertThat(certificate.strategyReason).doesNotContain("tls-alpn-01");
    }

    @Test
    void autoWithAWildcardAndTheHttpPortOffStillUsesOnlyDnsStrategiesForIt() {
        ManagedCertificate certificate = only(site("auto", "off", "a.test", "*.a.test").build());
        // tls-alpn-01 stays a candidate in the list, but preflight skips it for a certificate with a wildcard
        assertThat(certificate.strategy.suitability("*.a.test").suitable()).isTrue();
        assertThat(new TlsAlpn01Strategy(null, null, java.util.List.of()).suitability("*.a.test").suitable()).isFalse();
    }

    @Test
    void tlsAlpnAsConfiguredIsUsedAndRefusesWildcardsAtStart() {
        ManagedCertificate certificate = only(site("tls-alpn-01", "off", "a.test").build());
        assertThat(certificate.strategy.name()).isEqualTo(TlsAlpn01Strategy.NAME);
        assertThat(certificate.strategyReason).contains("tls-alpn-01");
        assertThatThrownBy(() -> site("tls-alpn-01", "off", "a.test", "*.a.test").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("autotls.challenge = 'tls-alpn-01'")
                .hasMessageContaining("cannot validate the wildcard *.a.test");
    }
}
