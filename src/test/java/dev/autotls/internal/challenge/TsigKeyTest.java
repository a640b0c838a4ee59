package dev.autotls.internal.challenge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TsigKeyTest {
    private static final String SECRET = "jVCwAD1TKb0x/JvcWn3yIRobnh9/CL7vWQaW0dZ9j8Q=";

    @Test
    void readsAlgorithmNameAndSecretFromTheSetting() {
        TsigKey key = TsigKey.parse(" HMAC-SHA256:acme-alias:" + SECRET + " ");
        assertThat(key.algorithm()).isEqualTo("hmac-sha256");
        assertThat(key.name()).isEqualTo("acme-alias");
        assertThat(key.toString()).isEqualTo("TSIG key acme-alias (hmac-sha256)").doesNotContain(SECRET);
        assertThat(key.signer()).isNotNull();
    }

    @Test
    void readsTheKeyFileTsigKeygenWrites() {
        String written = "key \"acme-alias\" {\n\talgorithm hmac-sha256;\n\tsecret \"" + SECRET + "\";\n};\n";
        assertThat(TsigKey.parseKeyFile(written).sameAs(TsigKey.parse("hmac-sha256:acme-alias:" + SECRET))).isTrue();
    }

    @Test
    void readsAKeyFileWithCommentsOtherSpacingAndTheClausesSwapped() {
        String file = "# made for the alias zone\n/* by hand */ key acme-alias.{ secret \"" + SECRET + "\" ;   // the secret\n"
                + "algorithm \"hmac-sha512\"; } ;";
        TsigKey key = TsigKey.parseKeyFile(file);
        assertThat(key.name()).isEqualTo("acme-alias");
        assertThat(key.algorithm()).isEqualTo("hmac-sha512");
    }

    @Test
    void refusesWhatIsNotOneKeyStatement() {
        assertThatThrownBy(() -> TsigKey.parseKeyFile("")).hasMessageContaining("not a BIND key file holding one key statement");
        assertThatThrownBy(() -> TsigKey.parseKeyFile("key \"a\" { algorithm hmac-sha256; secret \"" + SECRET + "\"; };\n"
                + "key \"b\" { algorithm hmac-sha256; secret \"" + SECRET + "\"; };"))
                .hasMessageContaining("one key statement").hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> TsigKey.parseKeyFile("key \"a\" { algorithm hmac-sha256; algorithm hmac-sha256; };"))
                .hasMessageContaining("one algorithm and one secret clause");
        assertThatThrownBy(() -> TsigKey.parseKeyFile("zone \"a\" { type primary; };")).hasMessageContaining("tsig-keygen NAME > FILE");
    }

    @Test
    void refusalsNameWhatIsWrongAndNeverTheSecret() {
        assertThatThrownBy(() -> TsigKey.parse("hmac-sha256:" + SECRET)).hasMessageContaining("algorithm:keyname:base64secret")
                .hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> TsigKey.parse("hmac-md5:acme-alias:" + SECRET))
                .hasMessage("'hmac-md5' is not a TSIG algorithm this library signs with; use hmac-sha256 (tsig-keygen's default), "
                        + "hmac-sha384, hmac-sha512, hmac-sha224 or hmac-sha1");
        assertThatThrownBy(() -> TsigKey.parse("hmac-sha256:acme-alias:not*base64"))
                .hasMessage("the secret of key 'acme-alias' is not base64; copy it whole from the key file tsig-keygen wrote");
        assertThatThrownBy(() -> TsigKey.parse("hmac-sha256:acme-alias:c2hvcnQ="))
                .hasMessageContaining("decodes to 5 bytes, too short for hmac-sha256").hasMessageNotContaining("c2hvcnQ=");
        assertThatThrownBy(() -> TsigKey.parse("hmac-sha256:bad name:" + SECRET)).hasMessageContaining("'bad name' is not a key name");
    }

    @Test
    void partsOutOfOrderNeverQuoteTheSecret() {
        assertThatThrownBy(() -> TsigKey.parse("hmac-sha256:" + SECRET + ":acme-alias"))
                .hasMessageContaining("the key name given is not a key name").hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> TsigKey.parse(SECRET + ":acme-alias:hmac-sha256"))
                .hasMessageContaining("the algorithm given is not a TSIG algorithm").hasMessageNotContaining(SECRET);
    }

    @Test
    void aSecretHoldingTwoSlashesIsReadWholeWhileCommentsAroundItAreDropped() {
        byte[] bytes = new byte[32];
        java.util.Arrays.fill(bytes, 0, 3, (byte) 0xff); // encodes as "////..."
        String secret = java.util.Base64.getEncoder().encodeToString(bytes);
        String file = "// made by tsig-keygen\nkey \"acme-alias\" { # the alias zone's key\n"
                + "\talgorithm hmac-sha256; /* only TXT */\n\tsecret \"" + secret + "\";\n};\n";

        assertThat(TsigKey.parseKeyFile(file).sameAs(TsigKey.parse("hmac-sha256:acme-alias:" + secret))).isTrue();
    }
}
