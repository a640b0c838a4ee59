package dev.autotls.internal.ondemand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class OnDemandNamesTest {

    @Test
    void validDnsNamesAreMadeCanonical() {
        assertThat(OnDemandNames.canonical("Shop.Customer.EXAMPLE")).isEqualTo("shop.customer.example");
        assertThat(OnDemandNames.canonical("shop.example.")).isEqualTo("shop.example");
        String longest = ("a".repeat(63) + ".").repeat(3) + "a".repeat(61); // 253 characters
        assertThat(OnDemandNames.canonical(longest)).hasSize(253);
    }

    @Test
    void refusesWildcardsAddressesOverlongAndInvalidNamesSayingWhy() {
        String tooLong = ("a".repeat(63) + ".").repeat(3) + "a".repeat(62); // 254
        for (String refused : List.of("*.example.com", "a.*.example.com", "127.0.0.1", "::1", "2001:db8::1", tooLong,
                "x".repeat(5000), "bad_name.example", "-lead.example", "single", "", "a..b.example")) {
            assertThatThrownBy(() -> OnDemandNames.canonical(refused)).as("'%s'", refused)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("null");
        }
        assertThatThrownBy(() -> OnDemandNames.canonical("*.example.com")).hasMessageContaining("wildcard");
        assertThatThrownBy(() -> OnDemandNames.canonical("10.0.0.1")).hasMessageContaining("IP address");
        assertThatThrownBy(() -> OnDemandNames.canonical(null)).hasMessageContaining("no server name");
    }
}
