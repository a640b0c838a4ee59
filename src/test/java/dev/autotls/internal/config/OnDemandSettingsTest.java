package dev.autotls.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.ConfigurationException;
import dev.autotls.Setting;
import dev.autotls.testing.MemoryStore;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The autotls.on-demand.* settings: defaults, one sentence per wrong value, and what start-up refuses. */
class OnDemandSettingsTest {

    private static AutoTlsConfig resolve(Map<String, String> properties) {
        Map<String, String> all = new HashMap<>(properties);
        all.putIfAbsent("autotls.storage", System.getProperty("java.io.tmpdir"));
        return AutoTlsConfig.resolve(new SettingSources(all::get, key -> null, Map.<Setting, String>of()));
    }

    @Test
    void offByDefaultWithTheIssuesLimits() {
        OnDemandConfig onDemand = resolve(Map.of()).onDemand();
        assertThat(onDemand.enabled()).isFalse();
        assertThat(onDemand.ask()).isEmpty();
        assertThat(onDemand.checksPerClient()).isEqualTo(new RateLimit(20, Duration.ofMinutes(1)));
        assertThat(onDemand.waitFor()).isEqualTo(Duration.ofSeconds(10));
        assertThat(onDemand.waiting()).isEqualTo(32);
        assertThat(onDemand.orderLimit()).isEqualTo(new RateLimit(10, Duration.ofMinutes(1)));
    }

    @Test
    void readsEverySetting() {
        OnDemandConfig onDemand = resolve(Map.of("autotls.on-demand", "true", "autotls.on-demand.ask", "http://127.0.0.1:9000/ok?x=1",
                "autotls.on-demand.checks-per-client", "100/30s", "autotls.on-demand.wait", "3s", "autotls.on-demand.waiting", "8",
                "autotls.on-demand.order-limit", "10/20s")).onDemand();
        assertThat(onDemand.enabled()).isTrue();
        assertThat(onDemand.ask()).contains(URI.create("http://127.0.0.1:9000/ok?x=1"));
        assertThat(onDemand.checksPerClient()).isEqualTo(new RateLimit(100, Duration.ofSeconds(30)));
        assertThat(onDemand.waitFor()).isEqualTo(Duration.ofSeconds(3));
        assertThat(onDemand.waiting()).isEqualTo(8);
        assertThat(onDemand.orderLimit()).isEqualTo(new RateLimit(10, Duration.ofSeconds(20)));
    }

    @Test
    void aWrongValueIsOneSentenceNamingTheSettingTheValueAndWhatToWrite() {
        assertThatThrownBy(() -> resolve(Map.of("autotls.on-demand", "maybe"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("autotls.on-demand = 'maybe'").hasMessageContaining("true or false");
        assertThatThrownBy(() -> resolve(Map.of("autotls.on-demand.ask", "ftp://x/allowed")))
                .hasMessageContaining("autotls.on-demand.ask = 'ftp://x/allowed'").hasMessageContaining("http://");
        assertThatThrownBy(() -> resolve(Map.of("autotls.on-demand.checks-per-client", "20 per minute")))
                .hasMessageContaining("autotls.on-demand.checks-per-client = '20 per minute'").hasMessageContaining("N/duration");
        assertThatThrownBy(() -> resolve(Map.of("autotls.on-demand.order-limit", "0/1m")))
                .hasMessageContaining("autotls.on-demand.order-limit = '0/1m'").hasMessageContaining("at least 1");
        assertThatThrownBy(() -> resolve(Map.of("autotls.on-demand.wait", "soon")))
                .hasMessageContaining("autotls.on-demand.wait = 'soon'").hasMessageContaining("10s");
        assertThatThrownBy(() -> resolve(Map.of("autotls.on-demand.wait", "2m")))
                .hasMessageContaining("autotls.on-demand.wait = '2m'").hasMessageContaining("at most 60s");
        assertThat(resolve(Map.of("autotls.on-demand.wait", "60s")).onDemand().waitFor()).isEqualTo(java.time.Duration.ofSeconds(60));
        assertThatThrownBy(() -> resolve(Map.of("autotls.on-demand.waiting", "0")))
                .hasMessageContaining("autotls.on-demand.waiting = '0'").hasMessageContaining("whole number");
    }

    @Test
    void startUpRefusesOnDemandWithoutACheckOrWithTwoAndNeedsNoDomainsWithIt() {
        AutoTlsConfig withoutCheck = resolve(Map.of("autotls.on-demand", "true"));
        assertThatThrownBy(() -> StartupChecks.requireOnDemandPermission(withoutCheck, false))
                .hasMessageContaining("autotls.on-demand").hasMessageContaining("autotls.on-demand.ask")
                .hasMessageContaining("builder().onDemand");
        StartupChecks.requireOnDemandPermission(withoutCheck, true);
        StartupChecks.requireSomeNames(withoutCheck, new MemoryStore()); // no domains, no stored names: on demand brings them

        AutoTlsConfig withAsk = resolve(Map.of("autotls.on-demand", "true", "autotls.on-demand.ask", "http://127.0.0.1:9/a"));
        StartupChecks.requireOnDemandPermission(withAsk, false);
        assertThatThrownBy(() -> StartupChecks.requireOnDemandPermission(withAsk, true)).hasMessageContaining("keep one");

        AutoTlsConfig off = resolve(Map.of("autotls.on-demand.ask", "http://127.0.0.1:9/a"));
        StartupChecks.requireOnDemandPermission(off, false); // only said in the log
        assertThatThrownBy(() -> StartupChecks.requireSomeNames(off, new MemoryStore())).hasMessageContaining("autotls.domains");
    }
}
