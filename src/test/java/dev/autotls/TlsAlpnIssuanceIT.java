package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.Assembly;
import dev.autotls.internal.tls.ValidationCertificates;
import dev.autotls.testing.Await;
import dev.autotls.testing.PatientForwarder;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.Ports;
import dev.autotls.testing.Postgres;
import dev.autotls.testing.Site;
import dev.autotls.testing.TlsClient;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 (a): tls-alpn-01 end to end against Pebble 2.10, whose {@code tlsPort} is the
 * HTTPS connector of the site, with the HTTP port off; and two instances on one PostgreSQL
 * where the CA's handshake reaches the one that did not order.
 */
class TlsAlpnIssuanceIT {
    private static final String ACME_IDENTIFIER_OID = "1.3.6.1.5.5.7.1.31";

    private static AutoTls.Builder site(Pebble pebble, int httpsPort, List<CertificateEvent> obtained, String... names) {
        return AutoTls.builder().ignoreSystemSettings().domains(names)
                .ca(pebble.directory().toString()).caTrust(pebble.listenerTrust())
                .challenge("tls-alpn-01").set(Setting.HTTP_PORT, "off").httpsPort(httpsPort).agreeToTermsOfService(true)
                .listener(new AutoTlsListener() {
                    @Override
                    public void onObtained(CertificateEvent event) {
                        obtained.add(event);
                    }
                });
    }

    @Test
    void obtainsCertificateThroughTlsAlpnWhileOrdinaryHandshakesAreServedAsAlways(@TempDir Path storage) throws Exception {
        // Pebble's handshake goes through a gate the test opens: Pebble -> tlsPort -> (gatePort, closed until
        // opened) -> the HTTPS connector. So the validation stays pending, for certain, while ordinary clients are served
        int tlsPort = Ports.free();
        int gatePort = Ports.free();
        List<CertificateEvent> obtained = new CopyOnWriteArrayList<>();
        try (Pebble pebble = Pebble.startForTlsAlpn("sid", tlsPort);
             PatientForwarder toGate = PatientForwarder.on(tlsPort, gatePort);
             Site site = Site.start(site(pebble, 0, obtained, "t.test").storage(storage))) {
            int httpsPort = site.httpsPort();
            assertThat(site.server.getConnectors()).as("no HTTP connector: autotls.http.port = off").hasSize(1);
            ValidationCertificates validations = site.autoTls.getBean(Assembly.class).registry().validations();
            Await.until("the tls-alpn-01 validation of t.test to start", Duration.ofSeconds(30),
                    () -> validations.contains("t.test") || !obtained.isEmpty());
            assertThat(obtained).as("validation was caught while it ran").isEmpty();

            TlsClient inspecting = TlsClient.inspecting();
            // what the CA sees: acme-tls/1 negotiated, the validation certificate, and the connection closed after it
            TlsClient.Handshake acme = inspecting.handshake(httpsPort, "t.test", ValidationCertificates.ACME_TLS_1);
            assertThat(acme.protocol()).isEqualTo(ValidationCertificates.ACME_TLS_1);
            assertThat(acme.closedByServer()).isTrue();
            assertThat(acme.leaf().getCriticalExtensionOIDs()).contains(ACME_IDENTIFIER_OID);
            assertThat(acme.leaf().getSubjectAlternativeNames()).anySatisfy(san -> assertThat(san.get(1)).isEqualTo("t.test"));
            // meanwhile: ordinary clients get the temporary self-signed certificate, by http/1.1 and h2, never the validation one
            TlsClient.Page page = inspecting.get(httpsPort, "t.test", "/");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).isEqualTo("Hello t.test");
            assertThat(page.certificate().getCriticalExtensionOIDs()).doesNotContain(ACME_IDENTIFIER_OID);
            assertThat(page.certificate().getSubjectX500Principal().getName()).contains("autotls temporary self-signed");
            TlsClient.Handshake h2 = inspecting.handshake(httpsPort, "t.test", "h2", "http/1.1");
            assertThat(h2.protocol()).isEqualTo("h2");
            assertThat(h2.leaf()).isEqualTo(page.certificate());
            TlsClient.Handshake http11 = inspecting.handshake(httpsPort, "t.test", "http/1.1");
            assertThat(http11.protocol()).isEqualTo("http/1.1");
            assertThat(http11.leaf()).isEqualTo(page.certificate());
            assertThat(validations.contains("t.test")).as("the ordinary requests above ran while the validation was pending")
                    .isTrue();
            assertThat(obtained).isEmpty();

            try (PatientForwarder open = PatientForwarder.on(gatePort, httpsPort)) {
                Await.until("the certificate for t.test", Duration.ofSeconds(60), () -> obtained.size() == 1);
            }
            TlsClient trusting = TlsClient.trusting(pebble.roots());
            TlsClient.Page issued = trusting.get(httpsPort, "t.test", "/");
            assertThat(issued.status()).isEqualTo(200);
            X509Certificate served = issued.certificate();
            assertThat(served.getIssuerX500Principal().getName()).contains("Pebble");
            assertThat(obtained.get(0).strategy()).contains("tls-alpn-01");
            assertThat(validations.contains("t.test")).as("the validation certificate is withdrawn after the order").isFalse();
            assertThat(site.server.isStarted()).as("the server was never restarted").isTrue();
        }
    }

    @Test
    void theInstanceThatDidNotOrderAnswersTheCasHandshakeFromTheStore() throws Exception {
        int tlsPort = Ports.free();
        int gatePort = Ports.free();
        List<CertificateEvent> obtainedByA = new CopyOnWriteArrayList<>();
        try (Postgres postgres = Postgres.start(); Pebble pebble = Pebble.startForTlsAlpn("sid", tlsPort);
             PatientForwarder toGate = PatientForwarder.on(tlsPort, gatePort)) {
            // Pebble's handshake can only reach B, and only once the gate to B opens; A orders
            Site b = Site.installed(site(pebble, 0, new CopyOnWriteArrayList<>(), "c.test").storage(postgres.url())
                    .set(Setting.STORAGE_SYNC, "1s"));
            try (Site a = Site.start(site(pebble, 0, obtainedByA, "c.test").storage(postgres.url())
                    .set(Setting.STORAGE_SYNC, "1s"))) {
                try {
                    Await.until("instance A to hold the certificate's lease", Duration.ofSeconds(30),
                            () -> postgres.heldCertificateLeases() == 1 || !obtainedByA.isEmpty());
                    b.server.start();
                    Await.until("B to build the validation certificate from what A stored", Duration.ofSeconds(30),
                            () -> b.autoTls.getBean(Assembly.class).registry().validations().contains("c.test"));
                    assertThat(a.autoTls.getBean(Assembly.class).registry().validations().contains("c.test")).as("A presented it").isTrue();
                    TlsClient.Handshake answer = TlsClient.inspecting().handshake(b.httpsPort(), "c.test",
                            ValidationCertificates.ACME_TLS_1);
                    assertThat(answer.leaf().getCriticalExtensionOIDs()).contains(ACME_IDENTIFIER_OID);
                    try (PatientForwarder open = PatientForwarder.on(gatePort, b.httpsPort())) {
                        Await.until("instance A to obtain the certificate", Duration.ofSeconds(60), () -> obtainedByA.size() == 1);
                    }
                    assertThat(pebble.orders()).as("orders placed with the CA").isEqualTo(1);
                    Await.until("B to withdraw the validation certificate once A removed the answer", Duration.ofSeconds(10),
                            () -> !b.autoTls.getBean(Assembly.class).registry().validations().contains("c.test"));
                    TlsClient trusting = TlsClient.trusting(pebble.roots());
                    b.autoTls.syncWithStore();
                    Await.until("B to serve the certificate A stored", Duration.ofSeconds(30), () -> {
                        try {
                            return trusting.leaf(b.httpsPort(), "c.test").getIssuerX500Principal().getName().contains("Pebble");
                        } catch (Exception notYet) {
                            return false;
                        }
                    });
                } finally {
                    b.close();
                }
            }
        }
    }
}
