package dev.autotls.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateRegistryTest {
    private final Clock clock = Clock.systemUTC();
    private final CertificateRegistry registry = new CertificateRegistry();

    @Test
    void findsExactNameCaseInsensitivelyAndWithTrailingDot() {
        CertifiedKey entry = SelfSignedCertificates.create(List.of("example.test"), clock);
        registry.publish(entry);
        assertThat(registry.lookup("example.test")).containsSame(entry);
        assertThat(registry.lookup("EXAMPLE.Test.")).containsSame(entry);
    }

    @Test
    void wildcardCoversExactlyOneLabel() {
        CertifiedKey wildcard = SelfSignedCertificates.create(List.of("*.example.test"), clock);
        registry.publish(wildcard);
        assertThat(registry.lookup("www.example.test")).containsSame(wildcard);
        assertThat(registry.lookup("a.b.example.test")).isEmpty();
        assertThat(registry.lookup("example.test")).isEmpty();
    }

    @Test
    void exactNameWinsOverWildcard() {
        CertifiedKey wildcard = SelfSignedCertificates.create(List.of("*.example.test"), clock);
        CertifiedKey exact = SelfSignedCertificates.create(List.of("www.example.test"), clock);
        registry.publish(wildcard);
        registry.publish(exact);
        assertThat(registry.lookup("www.example.test")).containsSame(exact);
        assertThat(registry.lookup("mail.example.test")).containsSame(wildcard);
    }

    @Test
    void unknownAndMissingNamesFindNothingButFallbackIsTheFirstPublished() {
        CertifiedKey first = SelfSignedCertificates.create(List.of("one.test"), clock);
        registry.publish(first);
        registry.publish(SelfSignedCertificates.create(List.of("two.test"), clock));
        assertThat(registry.lookup("three.test")).isEmpty();
        assertThat(registry.lookup(null)).isEmpty();
        assertThat(registry.lookup("")).isEmpty();
        assertThat(registry.fallback()).containsSame(first);
    }

    @Test
    void publishingReplacesEveryNameOfTheEntryAndFallbackFollows() {
        CertifiedKey old = SelfSignedCertificates.create(List.of("a.test", "*.a.test"), clock);
        CertifiedKey fresh = SelfSignedCertificates.create(List.of("a.test", "*.a.test"), clock);
        registry.publish(old);
        registry.publish(fresh);
        assertThat(registry.lookup("a.test")).containsSame(fresh);
        assertThat(registry.lookup("x.a.test")).containsSame(fresh);
        assertThat(registry.fallback()).containsSame(fresh);
    }

    @Test
    void replacedEntryStillResolvesByAliasForHandshakesInFlight() {
        CertifiedKey old = SelfSignedCertificates.create(List.of("a.test"), clock);
        registry.publish(old);
        for (int i = 0; i < 50; i++) {
            registry.publish(SelfSignedCertificates.create(List.of("a.test"), clock));
        }
        assertThat(registry.byAlias(old.alias())).isSameAs(old);
        assertThat(registry.byAlias("no-such-alias")).isNull();
    }

    @Test
    void keyManagerPicksByKeyTypeAndHandsOutTheChain() {
        CertifiedKey entry = SelfSignedCertificates.create(List.of("a.test"), clock);
        registry.publish(entry);
        RegistryKeyManager manager = new RegistryKeyManager(registry);
        assertThat(manager.chooseEngineServerAlias("RSA", null, null)).isNull();
        String alias = manager.chooseEngineServerAlias("EC", null, null);
        assertThat(alias).isEqualTo(entry.alias());
        assertThat(manager.getCertificateChain(alias)).containsExactly(entry.leaf());
        assertThat(manager.getPrivateKey(alias)).isSameAs(entry.privateKey());
    }
}
