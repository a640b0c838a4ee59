package dev.autotls.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.AutoTls;
import dev.autotls.internal.Assembly;
import dev.autotls.internal.acme.CaRefusalException;
import dev.autotls.internal.config.AutoTlsConfig;
import dev.autotls.internal.config.DomainNames;
import dev.autotls.internal.config.LocalCaUse;
import dev.autotls.internal.config.SettingSources;
import dev.autotls.spi.TransientException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local CA's lane beside the list of ACME CAs: certificates whose names are all local go
 * there and nowhere else, whatever happens to the ACME CAs, and the others never go there.
 */
class LocalLaneTest {

    @Test
    void localNamesGoToTheLocalIssuerAndPublicNamesToTheList() throws Exception {
        Engine engine = new Engine().withIssuers(2).withLocalIssuer(".test").certificate("app.test").certificate("www.example")
                .start();
        engine.runDue();

        assertThat(engine.local.orders).containsExactly(List.of("app.test"));
        assertThat(engine.issuers.get(0).orders).containsExactly(List.of("www.example"));
        assertThat(engine.served("app.test").getIssuerX500Principal().getName()).isEqualTo("CN=local");
        assertThat(engine.managed("app.test").issuedBy()).isEqualTo("local");
    }

    /**
     * The rule with the configuration's own judgement: with no CA set, a certificate whose
     * names are all local goes to the local CA, every other one to the (default) ACME CA.
     */
    @Test
    void withNoCaSetAnAllLocalCertificateGoesToTheLocalCaAndThePublicOneToTheAcmeCa() throws Exception {
        AutoTlsConfig config = AutoTlsConfig.resolve(new SettingSources(
                Map.of("autotls.domains", "app.test,www.example")::get, key -> null, Map.of()));
        assertThat(config.cas().localCa()).as("no autotls.ca").isEqualTo(LocalCaUse.LOCAL_NAMES);
        Engine engine = new Engine().withLocalIssuer(config.cas()::issuedLocally);
        DomainNames.certificates(config.domains()).forEach(names -> engine.certificate(names.toArray(new String[0])));
        engine.start().runDue();

        assertThat(engine.local.orders).containsExactly(List.of("app.test"));
        assertThat(engine.issuer().orders).containsExactly(List.of("www.example"));
        assertThat(engine.managed("app.test").issuedBy()).isEqualTo("local");
        assertThat(engine.managed("www.example").issuedBy()).isEqualTo(engine.issuer().id());
    }

    /** The same rule as the assembly wires it: the local CA's strategy for app.test only, and no CA setting needed. */
    @Test
    void withNoCaSetTheAssemblyGivesOnlyTheLocalCertificateToTheLocalCa(@TempDir Path storage) {
        AutoTls autoTls = AutoTls.builder().ignoreSystemSettings().domains("app.test", "www.example").storage(storage)
                .httpsPort(0).build();
        try {
            Map<String, String> reasons = new LinkedHashMap<>();
            autoTls.getBean(Assembly.class).certificates().forEach(c -> reasons.put(c.firstName(), c.strategyReason));
            assertThat(reasons.get("app.test")).isEqualTo("issued by the built-in local CA, no challenge: every name is local "
                    + "and autotls.ca is not set (other names go to https://acme-v02.api.letsencrypt.org/directory)");
            assertThat(reasons.get("www.example")).doesNotContain("local CA");
            assertThat(autoTls.getBean(Assembly.class).config().caDirectory().getHost()).isEqualTo("acme-v02.api.letsencrypt.org");
        } finally {
            autoTls.destroy();
        }
    }

    @Test
    void aLocalCertificateNeverFallsBackToAnAcmeCaNorAPublicOneToTheLocalCa() throws Exception {
        Engine engine = new Engine().withIssuers(2).fallbackAfter(Duration.ofMinutes(1)).withLocalIssuer(".test")
                .certificate("app.test").certificate("www.example").start();
        engine.local.failNext(new CaRefusalException("the local CA refuses app.test"));
        engine.issuers.get(0).failNext(new CaRefusalException("CA 1 refuses www.example for good"));

        engine.runDue();
        engine.advance(Duration.ofMinutes(40));

        assertThat(engine.issuers.get(1).orders).as("the second ACME CA").containsExactly(List.of("www.example"));
        assertThat(engine.issuers.stream().flatMap(issuer -> issuer.orders.stream()))
                .as("orders for the local name at ACME CAs").noneMatch(names -> names.contains("app.test"));
        assertThat(engine.local.orders).as("the local CA, tried again after the back-off").hasSizeGreaterThan(1)
                .allMatch(names -> names.equals(List.of("app.test")));
        assertThat(engine.servesIssued("app.test") && engine.servesIssued("www.example")).isTrue();
    }

    @Test
    void anAcmeCaThatIsDownHoldsBackNoLocalCertificate() throws Exception {
        Engine engine = new Engine().withLocalIssuer(".test").certificate("www.example").certificate("app.test").start();
        engine.issuer().failNext(new TransientException("the CA is down", null, true, null));
        engine.issuer().failProbe(new TransientException("still down", null, true, null));

        engine.runDue();

        assertThat(engine.servesIssued("app.test")).as("served by the local CA while the ACME CA is down").isTrue();
        assertThat(engine.servesIssued("www.example")).isFalse();
        assertThat(engine.rotation.firstCircuit(true).isOpen()).as("the local CA's circuit").isFalse();
        assertThat(engine.rotation.firstCircuit(false).isOpen()).as("the ACME CA's circuit").isTrue();
    }
}
