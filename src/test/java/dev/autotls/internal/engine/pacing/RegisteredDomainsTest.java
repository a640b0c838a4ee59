package dev.autotls.internal.engine.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The registered domain from the Public Suffix List, and what a CA's 429 problem pauses. */
class RegisteredDomainsTest {

    @Test
    void theRegisteredDomainIsOneLabelBelowThePublicSuffix() {
        assertThat(RegisteredDomains.of("www.example.com")).isEqualTo("example.com");
        assertThat(RegisteredDomains.of("*.example.com")).isEqualTo("example.com");
        assertThat(RegisteredDomains.of("a.b.shop.co.uk")).isEqualTo("shop.co.uk");
        assertThat(RegisteredDomains.of("site.github.io")).as("a private suffix counts, as Let's Encrypt counts it")
                .isEqualTo("site.github.io");
        assertThat(RegisteredDomains.of("n1.pace.test")).as("under no listed suffix: the last two labels").isEqualTo("pace.test");
        assertThat(RegisteredDomains.of("192.0.2.1")).isEqualTo("192.0.2.1");
        assertThat(RegisteredDomains.of(List.of("example.com", "*.example.com", "www.example.org")))
                .containsExactly("example.com", "example.org");
    }

    @Test
    void a429NamingARegisteredDomainPausesOnlyItAndOtherwiseTheAccount() {
        List<String> order = List.of("www.example.com", "example.com");
        assertThat(PauseScope.of("too many certificates (50) already issued for \"example.com\" in the last 168h0m0s",
                List.of(), order)).isEqualTo(new PauseScope(PauseScope.Kind.DOMAIN, Optional.of("example.com")));
        assertThat(PauseScope.of("rate limited", List.of("shop.example.com"), order))
                .isEqualTo(new PauseScope(PauseScope.Kind.DOMAIN, Optional.of("example.com")));
        assertThat(PauseScope.of("too many new orders (300) from this account in the last 3h0m0s", List.of(), order).kind())
                .isEqualTo(PauseScope.Kind.ACCOUNT);
        assertThat(PauseScope.of("too many certificates (5) already issued for this exact set of identifiers", List.of(),
                order).kind()).isEqualTo(PauseScope.Kind.CERTIFICATE);
        assertThat(PauseScope.of("too many failed authorizations (5) for \"example.com\"", List.of(), order).kind())
                .isEqualTo(PauseScope.Kind.CERTIFICATE);
    }
}
