package dev.autotls.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.ConfigurationException;
import dev.autotls.Setting;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The order of the sources: command-line option, then -D, then the environment, then the builder, then the default. */
class SettingSourcesTest {

    @Test
    void optionBeatsSystemPropertyBeatsEnvironmentBeatsBuilderBeatsDefault() {
        Map<Setting, String> options = Map.of(Setting.HTTPS_PORT, "1443");
        Map<String, String> properties = Map.of("autotls.https.port", "2443", "autotls.http.port", "2080");
        Map<String, String> environment = Map.of("AUTOTLS_HTTPS_PORT", "3443", "AUTOTLS_HTTP_PORT", "3080",
                "AUTOTLS_DOMAINS", "env.test");
        Map<Setting, String> builder = Map.of(Setting.HTTPS_PORT, "4443", Setting.DOMAINS, "code.test", Setting.EMAIL, "a@code.test");
        SettingSources sources = new SettingSources(options, properties::get, environment::get, builder);
        assertThat(sources.get(Setting.HTTPS_PORT).orElseThrow().text()).isEqualTo("1443");
        assertThat(sources.get(Setting.HTTP_PORT).orElseThrow().text()).isEqualTo("2080");
        assertThat(sources.get(Setting.DOMAINS).orElseThrow().text()).isEqualTo("env.test");
        assertThat(sources.get(Setting.EMAIL).orElseThrow().text()).isEqualTo("a@code.test");
        assertThat(sources.get(Setting.KEY_TYPE).orElseThrow().text()).isEqualTo("ec256");
    }

    @Test
    void aWrongOptionIsNamedAsTheOptionInTheError() {
        SettingSources sources = new SettingSources(Map.of(Setting.DOMAINS, "a.test", Setting.HTTPS_PORT, "x"),
                key -> null, key -> null, Map.of());
        assertThatThrownBy(() -> AutoTlsConfig.resolve(sources)).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("--https.port = 'x': ");
    }
}
