package dev.autotls.internal.acmedns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.acmedns.AcmeDnsServer;
import dev.autotls.acmedns.ResponderConfig;
import dev.autotls.internal.store.Pem;
import dev.autotls.internal.tls.CertifiedKey;
import dev.autotls.internal.tls.SelfSignedCertificates;
import dev.autotls.testing.TlsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [api] tls = "cert"}: the API serves the certificate and key from tls_cert_fullchain and tls_cert_privkey. */
class ApiCertModeIT {

    @Test
    void servesTheConfiguredCertificateFiles(@TempDir Path folder) throws Exception {
        CertifiedKey key = SelfSignedCertificates.create(List.of("auth.test"), Clock.systemUTC());
        Path chain = Files.write(folder.resolve("fullchain.pem"), Pem.encodeChain(List.of(key.chain())));
        String pkcs8 = java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.privateKey().getEncoded());
        Path privateKey = Files.writeString(folder.resolve("privkey.pem"),
                "-----BEGIN PRIVATE KEY-----\n" + pkcs8 + "\n-----END PRIVATE KEY-----\n");
        String config = String.join("\n", "[general]", "listen = \"127.0.0.1:0\"", "domain = \"auth.test\"",
                "[database]", "connection = \"" + folder.resolve("acme-dns.db") + "\"",
                "[api]", "ip = \"127.0.0.1\"", "port = \"0\"", "tls = \"cert\"",
                "tls_cert_privkey = \"" + privateKey + "\"", "tls_cert_fullchain = \"" + chain + "\"", "");
        ResponderConfig settings = ConfigFile.read(Files.writeString(folder.resolve("config.cfg"), config));
        try (AcmeDnsServer server = AcmeDnsServer.start(settings)) {
            TlsClient.Page health = TlsClient.trusting(List.of(key.leaf())).get(server.apiPort(), "auth.test", "/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.certificate()).isEqualTo(key.leaf());
        }
    }
}
