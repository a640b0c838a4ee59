package dev.autotls.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DomainNamesTest {

    @Test
    void anIpv4AddressIsAnAddressNotAFourLabelDomainName() {
        assertThat(DomainNames.canonical("127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(DomainNames.isAddress(DomainNames.canonical("127.0.0.1"))).isTrue();
        assertThatThrownBy(() -> DomainNames.canonical("127.0.0.01")).hasMessageContaining("leading zero");
        assertThatThrownBy(() -> DomainNames.canonical("300.1.1.1")).hasMessageContaining("more than 255");
    }

    @Test
    void anIpv6AddressIsAcceptedInItsCanonicalForm() {
        assertThat(DomainNames.canonical("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(DomainNames.canonical("[2001:DB8::0:10]")).isEqualTo("2001:db8::10");
        assertThatThrownBy(() -> DomainNames.canonical("fe80::1%lo")).hasMessageContaining("network interface");
    }

    @Test
    void aWildcardBeforeAnAddressIsRefusedNamingTheFix() {
        assertThatThrownBy(() -> DomainNames.canonical("*.192.0.2.1"))
                .hasMessageContaining("'*.192.0.2.1'").hasMessageContaining("name 192.0.2.1 without '*.'");
    }

    @Test
    void domainNamesAreJudgedAsBefore() {
        assertThat(DomainNames.canonical(" WWW.Example.TEST. ")).isEqualTo("www.example.test");
        assertThat(DomainNames.canonical("1.example.test")).isEqualTo("1.example.test");
        assertThat(DomainNames.isAddress("1.example.test")).isFalse();
        assertThatThrownBy(() -> DomainNames.canonical("single")).hasMessageContaining("single label");
    }

    @Test
    void aDnsZoneCannotBeAnAddress() {
        assertThatThrownBy(() -> DomainNames.canonicalDomainName("192.0.2.1")).hasMessageContaining("'192.0.2.1' is an IP address");
        assertThat(DomainNames.canonicalDomainName("Alias.Example.ORG")).isEqualTo("alias.example.org");
    }

    @Test
    void everyAddressGetsACertificateOfItsOwn() {
        assertThat(DomainNames.certificates(List.of("example.test", "192.0.2.1", "*.example.test", "2001:db8::1", "192.0.2.1")))
                .containsExactly(List.of("example.test", "*.example.test"), List.of("192.0.2.1"), List.of("2001:db8::1"));
    }
}
