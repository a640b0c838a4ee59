package dev.autotls.internal.names;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpAddressesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "127.0.0.1, 127.0.0.1",
            "' 192.0.2.10 ', 192.0.2.10",
            "255.255.255.255, 255.255.255.255",
            "::1, ::1",
            "[::1], ::1",
            "0:0:0:0:0:0:0:1, ::1",
            "2001:DB8:0:0:0:0:0:10, 2001:db8::10",
            "2001:0db8:0000:0000:0000:ff00:0042:8329, 2001:db8::ff00:42:8329",
            // RFC 5952 4.2.2: a single zero group is not shortened
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            // RFC 5952 4.2.3: the first of two equally long zero runs is shortened
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
            // 4.2.3 too: the longer run wins, wherever it is
            "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
            "fe80:0:0:0:0:0:0:0, fe80::",
            "FE80::ABCD, fe80::abcd",
    })
    void writesTheCanonicalForm(String raw, String canonical) {
        assertThat(IpAddresses.canonical(raw)).isEqualTo(canonical);
        assertThat(IpAddresses.isAddress(canonical)).isTrue();
        assertThat(IpAddresses.canonical(canonical)).as("canonical text is a fixed point").isEqualTo(canonical);
    }

    @Test
    void refusesZoneIdsNamingTheFix() {
        assertThatThrownBy(() -> IpAddresses.canonical("fe80::1%eth0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'fe80::1%eth0'").hasMessageContaining("%eth0").hasMessageContaining("e.g. fe80::1");
    }

    @Test
    void refusesIpv4MappedAddressesNamingTheIpv4Form() {
        for (String mapped : new String[] {"::ffff:192.0.2.1", "::ffff:c000:201"}) {
            assertThatThrownBy(() -> IpAddresses.canonical(mapped))
                    .hasMessageContaining("'" + mapped + "'").hasMessageContaining("IPv4-mapped").hasMessageContaining("name 192.0.2.1");
        }
    }

    @Test
    void refusesLeadingZerosNamingTheFix() {
        assertThatThrownBy(() -> IpAddresses.canonical("010.0.0.01"))
                .hasMessageContaining("'010.0.0.01'").hasMessageContaining("'010'").hasMessageContaining("octal")
                .hasMessageContaining("e.g. 10.0.0.1");
    }

    @Test
    void refusesWhatIsNoAddress() {
        assertThatThrownBy(() -> IpAddresses.canonical("1.2.3")).hasMessageContaining("'1.2.3'").hasMessageContaining("four numbers");
        assertThatThrownBy(() -> IpAddresses.canonical("1.2.3.256")).hasMessageContaining("256 is more than 255");
        assertThatThrownBy(() -> IpAddresses.canonical("1:2:3")).hasMessageContaining("'1:2:3' is not an IPv6 address");
        assertThatThrownBy(() -> IpAddresses.canonical("1::2::3")).hasMessageContaining("is not an IPv6 address");
        assertThatThrownBy(() -> IpAddresses.canonical("example.com:443")).hasMessageContaining("'x' is not a hex digit");
        assertThatThrownBy(() -> IpAddresses.canonical("0.0.0.0")).hasMessageContaining("unspecified address");
        assertThatThrownBy(() -> IpAddresses.canonical("::")).hasMessageContaining("unspecified address");
    }

    @Test
    void tellsAddressesFromDomainNames() {
        assertThat(IpAddresses.looksLikeAddress("127.0.0.1")).isTrue();
        assertThat(IpAddresses.looksLikeAddress("1.2.3")).as("all-numeric: never a domain name").isTrue();
        assertThat(IpAddresses.looksLikeAddress("::1")).isTrue();
        assertThat(IpAddresses.looksLikeAddress("[::1]")).isTrue();
        assertThat(IpAddresses.looksLikeAddress("1.example.com")).isFalse();
        assertThat(IpAddresses.looksLikeAddress("123.com")).isFalse();
        assertThat(IpAddresses.isAddress("example.com")).isFalse();
        assertThat(IpAddresses.isAddress("*.example.com")).isFalse();
        assertThat(IpAddresses.isAddress("localhost")).isFalse();
    }

    @Test
    void reverseNamesAreTheOnesRfc8738Uses() {
        assertThat(IpAddresses.reverseName("127.0.0.1")).isEqualTo("1.0.0.127.in-addr.arpa");
        assertThat(IpAddresses.reverseName("192.0.2.10")).isEqualTo("10.2.0.192.in-addr.arpa");
        assertThat(IpAddresses.reverseName("::1")).isEqualTo("1." + "0.".repeat(31) + "ip6.arpa");
        assertThat(IpAddresses.reverseName("2001:db8::abcd"))
                .isEqualTo("d.c.b.a." + "0.".repeat(20) + "8.b.d.0.1.0.0.2.ip6.arpa");
    }
}
