package dev.autotls.internal.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpHeaders;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class CaExchangeTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    private static HttpHeaders retryAfter(String value) {
        return HttpHeaders.of(Map.of("Retry-After", List.of(value)), (a, b) -> true);
    }

    @Test
    void retryAfterInSecondsOrAsADateIsClampedToOneSecondAndOneDay() {
        assertThat(CaExchange.retryAfter(retryAfter("20"), NOW)).contains(NOW.plusSeconds(20));
        assertThat(CaExchange.retryAfter(retryAfter("Tue, 01 Dec 2026 10:05:00 GMT"), NOW)).contains(NOW.plusSeconds(300));
        assertThat(CaExchange.retryAfter(retryAfter("0"), NOW)).contains(NOW.plusSeconds(1));
        assertThat(CaExchange.retryAfter(retryAfter("9999999"), NOW)).contains(NOW.plusSeconds(86_400));
        assertThat(CaExchange.retryAfter(retryAfter("soon"), NOW)).isEmpty();
        assertThat(CaExchange.retryAfter(HttpHeaders.of(Map.of(), (a, b) -> true), NOW)).isEmpty();
    }

    @Test
    void networkFailuresAreNamedByTheirCause() {
        assertThat(CaFailures.network(new UnknownHostException("ca.invalid"), "ca.invalid", CaSettingNames.keys())).startsWith("unknown host ca.invalid");
        assertThat(CaFailures.network(new java.io.IOException("wrapped", new ConnectException("Connection refused")), "ca.test", CaSettingNames.keys()))
                .isEqualTo("connection refused");
        assertThat(CaFailures.network(new java.net.http.HttpConnectTimeoutException("HTTP connect timed out"), "ca.test", CaSettingNames.keys()))
                .isEqualTo("the connection timed out");
        assertThat(CaFailures.network(new SSLHandshakeException("PKIX path building failed: unable to find valid certification path"), "ca.test", CaSettingNames.keys()))
                .contains("not trusted").contains("autotls.ca.trust");
    }

    /** Issue 23 (2): how the JDK's HTTP client reports a name that does not resolve: a ConnectException without a message. */
    @Test
    void aNameThatDoesNotResolveIsAnUnknownHostNotARefusedConnection() {
        ConnectException jdk = new ConnectException();
        jdk.initCause(new java.nio.channels.UnresolvedAddressException());
        assertThat(CaFailures.network(new ConnectException().initCause(jdk), "no-such-ca.invalid", CaSettingNames.keys()))
                .isEqualTo("unknown host no-such-ca.invalid (check the name in autotls.ca and this machine's DNS)");
        assertThat(CaFailures.network(new ConnectException(), "ca.test", CaSettingNames.keys())).isEqualTo("connection refused");
    }

    @Test
    void theUnknownHostAndTrustHintsNameTheSettingsAsTheyWereGiven() {
        CaSettingNames typed = new CaSettingNames("--ca", "AUTOTLS_CA_TRUST");
        assertThat(CaFailures.network(new UnknownHostException("ca.invalid"), "ca.invalid", typed))
                .isEqualTo("unknown host ca.invalid (check the name in --ca and this machine's DNS)");
        assertThat(CaFailures.network(new SSLHandshakeException("PKIX path building failed: x"), "ca.test", typed))
                .isEqualTo("TLS failed: the CA's certificate is not trusted here (add its root with AUTOTLS_CA_TRUST)");
    }
}
