package dev.autotls.internal.challenge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.store.FileCertificateStore;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.internal.tls.CertificateRegistry;
import dev.autotls.internal.tls.CertifiedKey;
import dev.autotls.spi.CertificateStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Another instance's answer, read from a shared folder store, becomes a validation certificate here, and goes again. */
class TlsAlpn01StrategyTest {
    private static final String KEY_AUTHORIZATION = "token-abc.thumbprint-xyz";

    @Test
    void answersStoredByAnotherInstanceAreServedAndWithdrawnOnTheNextPoll(@TempDir Path folder) throws Exception {
        CertificateStore store = new FileCertificateStore(folder);
        CertificateRegistry registry = new CertificateRegistry();
        TlsAlpn01Strategy strategy = new TlsAlpn01Strategy(store, registry.validations(), List.of("a.test", "*.a.test", "b.test"));

        strategy.refreshFromStore();
        assertThat(registry.validations().contains("a.test")).isFalse();

        // what the ordering instance's present() writes
        store.save(StorageKeys.tlsAlpnAnswer("a.test"), KEY_AUTHORIZATION.getBytes(StandardCharsets.US_ASCII),
                CertificateStore.Sensitivity.PUBLIC);
        strategy.refreshFromStore();
        assertThat(registry.validations().contains("a.test")).isTrue();
        assertThat(registry.validations().contains("b.test")).isFalse();
        assertThat(registry.lookup("a.test")).as("never among the names ordinary handshakes get").isEmpty();

        // and what its cleanUp() removes
        store.delete(StorageKeys.tlsAlpnAnswer("a.test"));
        strategy.refreshFromStore();
        assertThat(registry.validations().contains("a.test")).isFalse();
    }

    @Test
    void answersOfNamesManagedLaterAreServedOnceTheChangeIsSaid(@TempDir Path folder) throws Exception {
        CertificateStore store = new FileCertificateStore(folder);
        CertificateRegistry registry = new CertificateRegistry();
        TlsAlpn01Strategy strategy = new TlsAlpn01Strategy(store, registry.validations(), List.of("a.test"));
        List<String> managed = new java.util.concurrent.CopyOnWriteArrayList<>(List.of("a.test"));
        strategy.follow(() -> managed);
        store.save(StorageKeys.tlsAlpnAnswer("c.test"), KEY_AUTHORIZATION.getBytes(StandardCharsets.US_ASCII),
                CertificateStore.Sensitivity.PUBLIC);

        strategy.refreshFromStore();
        assertThat(registry.validations().contains("c.test")).as("not managed: its answer is not ours to serve").isFalse();

        managed.add("c.test");
        strategy.refreshFromStore();
        assertThat(registry.validations().contains("c.test")).as("the names are asked for again only when said").isFalse();

        strategy.namesChanged();
        strategy.refreshFromStore();
        assertThat(registry.validations().contains("c.test")).isTrue();
    }

    @Test
    void validationCertificateFollowsRfc8737() throws Exception {
        CertifiedKey entry = TlsAlpn01Strategy.validationCertificate("a.test", KEY_AUTHORIZATION);
        X509Certificate leaf = entry.leaf();
        assertThat(leaf.getCriticalExtensionOIDs()).contains("1.3.6.1.5.5.7.1.31");
        assertThat(leaf.getSubjectAlternativeNames()).hasSize(1)
                .allSatisfy(san -> assertThat(List.copyOf(san)).isEqualTo(List.of(2, "a.test")));
        byte[] extension = ASN1OctetString.getInstance(leaf.getExtensionValue("1.3.6.1.5.5.7.1.31")).getOctets();
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(KEY_AUTHORIZATION.getBytes(StandardCharsets.US_ASCII));
        // the extension value is an OCTET STRING (DER) holding the 32-byte digest
        assertThat(ASN1OctetString.getInstance(extension).getOctets()).isEqualTo(digest);
        leaf.verify(leaf.getPublicKey()); // self-signed
    }

    @Test
    void anAddressIsAnsweredUnderItsReverseNameWithAnIpAddressSan(@TempDir Path folder) throws Exception {
        CertificateStore store = new FileCertificateStore(folder);
        CertificateRegistry registry = new CertificateRegistry();
        TlsAlpn01Strategy strategy = new TlsAlpn01Strategy(store, registry.validations(), List.of("127.0.0.1", "::1"));
        store.save(StorageKeys.tlsAlpnAnswer("127.0.0.1"), KEY_AUTHORIZATION.getBytes(StandardCharsets.US_ASCII),
                CertificateStore.Sensitivity.PUBLIC);
        store.save(StorageKeys.tlsAlpnAnswer("::1"), KEY_AUTHORIZATION.getBytes(StandardCharsets.US_ASCII),
                CertificateStore.Sensitivity.PUBLIC);
        strategy.refreshFromStore();
        // RFC 8738 section 6: the CA's SNI is the reverse-DNS name, with or without the root's dot
        assertThat(registry.validations().contains("1.0.0.127.in-addr.arpa")).isTrue();
        assertThat(registry.validations().contains("1.0.0.127.in-addr.arpa.")).isTrue();
        assertThat(registry.validations().contains("1." + "0.".repeat(31) + "ip6.arpa")).isTrue();
        assertThat(registry.validations().contains("127.0.0.1")).as("SNI never carries an address").isFalse();

        X509Certificate leaf = TlsAlpn01Strategy.validationCertificate("127.0.0.1", KEY_AUTHORIZATION).leaf();
        assertThat(leaf.getSubjectAlternativeNames()).hasSize(1)
                .allSatisfy(san -> assertThat(List.copyOf(san)).isEqualTo(List.of(7, "127.0.0.1")));
        X509Certificate v6 = TlsAlpn01Strategy.validationCertificate("::1", KEY_AUTHORIZATION).leaf();
        assertThat(v6.getSubjectAlternativeNames()).hasSize(1)
                .allSatisfy(san -> assertThat(List.copyOf(san)).isEqualTo(List.of(7, "0:0:0:0:0:0:0:1")));

        store.delete(StorageKeys.tlsAlpnAnswer("127.0.0.1"));
        strategy.refreshFromStore();
        assertThat(registry.validations().contains("1.0.0.127.in-addr.arpa")).isFalse();
    }
}
