package dev.autotls.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.ConfigurationException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 13: {@code autotls.ca} as an ordered list, the numbered settings of each CA, profile and fallback time. */
class CaSettingsTest {
    private static final String KEY = "c2VjcmV0LWhtYWMta2V5LWJ5dGVz"; // 21 bytes of base64url

    private static CaList resolve(String... keyValues) {
        Map<String, String> properties = new HashMap<>();
        properties.put("autotls.domains", "example.test");
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        return AutoTlsConfig.resolve(new SettingSources(properties::get, name -> null, Map.of())).cas();
    }

    @Test
    void oneCaIsTheDefaultAndNothingFallsBack() {
        CaList cas = resolve();
        assertThat(cas.cas()).hasSize(1);
        assertThat(cas.primary().directory()).isEqualTo(AutoTlsConfig.LETSENCRYPT);
        assertThat(cas.profile()).isEmpty();
        assertThat(cas.fallbackAfter()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void anOrderedListGivesEachCaItsOwnEabAndTheFirstKeepsTheUnnumberedOnes() {
        CaList cas = resolve("autotls.ca", "letsencrypt, https://other.example/dir",
                "autotls.eab.kid", "first-kid", "autotls.eab.hmac-key", KEY,
                "autotls.ca.2.eab.kid", "second-kid", "autotls.ca.2.eab.hmac-key", KEY,
                "autotls.ca.fallback-after", "12h", "autotls.profile", "tlsserver");
        assertThat(cas.cas()).extracting(CaList.Endpoint::directory)
                .containsExactly(AutoTlsConfig.LETSENCRYPT, URI.create("https://other.example/dir"));
        assertThat(cas.primary().eabKeyId()).contains("first-kid");
        assertThat(cas.cas().get(1).eabKeyId()).contains("second-kid");
        assertThat(cas.cas().get(1).position()).isEqualTo(2);
        assertThat(cas.cas().get(1).toString()).doesNotContain(KEY);
        assertThat(cas.fallbackAfter()).isEqualTo(Duration.ofHours(12));
        assertThat(cas.profile()).contains("tlsserver");
    }

    @Test
    void settingsThatCanNeverWorkAreRefusedAtStartNamingTheFix() {
        assertThatThrownBy(() -> resolve("autotls.ca.2.eab.kid", "kid", "autotls.ca.2.eab.hmac-key", KEY))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("autotls.ca.2.eab.kid is set, but autotls.ca lists 1 CA").hasMessageNotContaining(KEY);
        assertThatThrownBy(() -> resolve("autotls.ca", "letsencrypt,https://other.example/dir", "autotls.ca.2.eab.kid", "kid"))
                .hasMessageContaining("autotls.ca.2.eab.kid and autotls.ca.2.eab.hmac-key go together");
        assertThatThrownBy(() -> resolve("autotls.ca", "letsencrypt,https://acme-v02.api.letsencrypt.org/directory"))
                .hasMessageContaining("listed twice");
        assertThatThrownBy(() -> resolve("autotls.ca", "https://a.example/d,https://b.example/d,https://c.example/d,letsencrypt"))
                .hasMessageContaining("more than 3");
        assertThatThrownBy(() -> resolve("autotls.ca", "letsencrypt,,https://b.example/d")).hasMessageContaining("empty entry");
        assertThatThrownBy(() -> resolve("autotls.ca", "letsencrypt,ftp://b.example/d")).hasMessageContaining("'ftp://b.example/d' is no CA");
        assertThatThrownBy(() -> resolve("autotls.ca.fallback-after", "soon")).hasMessageContaining("positive duration");
        assertThatThrownBy(() -> resolve("autotls.profile", "short lived")).hasMessageContaining("not a profile name");
        assertThatThrownBy(() -> resolve("autotls.ca", "letsencrypt,https://b.example/d", "autotls.ca.2.eab.kid", "k",
                "autotls.ca.2.eab.hmac-key", "c2hvcnQ")).hasMessageContaining("too short").hasMessageContaining("(hidden)");
    }
}
