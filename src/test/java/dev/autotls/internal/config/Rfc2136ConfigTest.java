package dev.autotls.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.ConfigurationException;
import dev.autotls.Setting;
import dev.autotls.internal.challenge.Rfc2136Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The autotls.rfc2136.* settings: checked together at start, each refusal one sentence naming the value and the fix. */
class Rfc2136ConfigTest {
    private static final String SECRET = "jVCwAD1TKb0x/JvcWn3yIRobnh9/CL7vWQaW0dZ9j8Q=";

    @TempDir
    Path folder;

    private static Optional<Rfc2136Settings> resolve(Map<String, String> properties) {
        Map<String, String> all = new HashMap<>(properties);
        all.putIfAbsent("autotls.domains", "example.test");
        return Rfc2136Config.resolve(new SettingSources(all::get, name -> null, Map.of()));
    }

    private static Map<String, String> complete() {
        return new HashMap<>(Map.of("autotls.rfc2136.server", "ns1.example.org:5353", "autotls.rfc2136.zone",
                "Acme-Alias.Example.ORG.", "autotls.rfc2136.tsig", "hmac-sha256:acme-alias:" + SECRET));
    }

    @Test
    void noneGivenIsNoStrategy() {
        assertThat(resolve(Map.of())).isEmpty();
    }

    @Test
    void allGivenAreReadAndTheZoneIsCanonical() {
        Rfc2136Settings settings = resolve(complete()).orElseThrow();
        assertThat(settings.serverText()).isEqualTo("ns1.example.org:5353");
        assertThat(settings.zone()).isEqualTo("acme-alias.example.org");
        assertThat(settings.aliasOf("www.example.com")).isEqualTo("www.example.com.acme-alias.example.org");
        assertThat(settings.key().name()).isEqualTo("acme-alias");
        assertThat(settings.toString()).doesNotContain(SECRET);
        Map<String, String> noPort = complete();
        noPort.put("autotls.rfc2136.server", "[::1]");
        assertThat(resolve(noPort).orElseThrow().server().getPort()).isEqualTo(53);
    }

    @Test
    void theKeyFileIsReadInsteadOfTheSetting() throws Exception {
        Path file = Files.writeString(folder.resolve("acme-alias.key"),
                "key \"acme-alias\" {\n\talgorithm hmac-sha256;\n\tsecret \"" + SECRET + "\";\n};\n");
        Map<String, String> properties = complete();
        properties.remove("autotls.rfc2136.tsig");
        properties.put("autotls.rfc2136.tsig-file", file.toString());
        assertThat(resolve(properties).orElseThrow().key().name()).isEqualTo("acme-alias");
    }

    @Test
    void aPartialConfigurationNamesWhatIsMissing() {
        assertThatThrownBy(() -> resolve(Map.of("autotls.rfc2136.zone", "alias.example.org")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageEndingWith("missing: autotls.rfc2136.server, autotls.rfc2136.tsig (or autotls.rfc2136.tsig-file)");
        assertThatThrownBy(() -> resolve(Map.of("autotls.challenge", "rfc2136")))
                .hasMessageStartingWith("the RFC 2136 alias strategy needs autotls.rfc2136.server (host:port of the alias zone's primary)");
        Map<String, String> both = complete();
        both.put("autotls.rfc2136.tsig-file", "/etc/bind/acme.key");
        assertThatThrownBy(() -> resolve(both)).hasMessageContaining("are both set: give the key one way");
    }

    @Test
    void malformedValuesAreRefusedNamingTheValueAndTheFixButNeverTheSecret() {
        Map<String, String> algorithm = complete();
        algorithm.put("autotls.rfc2136.tsig", "hmac-foo:acme-alias:" + SECRET);
        assertThatThrownBy(() -> resolve(algorithm)).hasMessageStartingWith("-Dautotls.rfc2136.tsig = (hidden): 'hmac-foo' is not a TSIG algorithm")
                .hasMessageNotContaining(SECRET);
        Map<String, String> base64 = complete();
        base64.put("autotls.rfc2136.tsig", "hmac-sha256:acme-alias:%%%");
        assertThatThrownBy(() -> resolve(base64)).hasMessage("-Dautotls.rfc2136.tsig = (hidden): the secret of key 'acme-alias' "
                + "is not base64; copy it whole from the key file tsig-keygen wrote");
        Map<String, String> file = complete();
        file.remove("autotls.rfc2136.tsig");
        file.put("autotls.rfc2136.tsig-file", folder.resolve("missing.key").toString());
        assertThatThrownBy(() -> resolve(file)).hasMessage("-Dautotls.rfc2136.tsig-file = '" + folder.resolve("missing.key")
                + "': the key file cannot be read (NoSuchFileException); give the path of the file tsig-keygen wrote, "
                + "readable by this process");
        Map<String, String> zone = complete();
        zone.put("autotls.rfc2136.zone", "alias_zone.example.org");
        assertThatThrownBy(() -> resolve(zone)).hasMessageStartingWith("-Dautotls.rfc2136.zone = 'alias_zone.example.org': ")
                .hasMessageContaining("invalid label 'alias_zone'").hasMessageEndingWith("give the alias zone's name, e.g. acme-alias.example.org");
        Map<String, String> server = complete();
        server.put("autotls.rfc2136.server", "ns1.example.org:99999");
        assertThatThrownBy(() -> resolve(server)).hasMessage("-Dautotls.rfc2136.server = 'ns1.example.org:99999': "
                + "'ns1.example.org:99999' is not host:port (e.g. 127.0.0.1:53, [::1]:5353); give the primary's host:port, "
                + "e.g. ns1.example.org:53");
    }

    @Test
    void theTsigSettingIsASecretAndItsFileIsNot() {
        assertThat(Setting.RFC2136_TSIG.secret()).isTrue();
        assertThat(Setting.RFC2136_TSIG_FILE.secret()).isFalse();
    }

    @Test
    void theChallengeSettingTakesRfc2136() {
        assertThat(ChallengeMode.parse("RFC2136")).contains(ChallengeMode.RFC2136);
    }
}
