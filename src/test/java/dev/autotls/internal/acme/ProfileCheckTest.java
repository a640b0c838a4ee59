package dev.autotls.internal.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.Metadata;
import org.shredzone.acme4j.toolbox.JSON;

/** Which profile an order carries, from the CA's directory metadata (as a CA would send it) and the names. */
class ProfileCheckTest {
    private static final URI CA = URI.create("https://ca.example:14000/dir");
    private static final Metadata NO_PROFILES = metadata("{}");
    private static final Metadata WITH_SHORTLIVED = metadata(
            "{\"profiles\":{\"classic\":\"90 days\",\"shortlived\":\"160 hours\",\"tlsserver\":\"45 days\"}}");
    private static final Metadata WITHOUT_SHORTLIVED = metadata("{\"profiles\":{\"classic\":\"90 days\",\"tlsserver\":\"45 days\"}}");

    private static Metadata metadata(String json) {
        return new Metadata(JSON.parse(json));
    }

    @Test
    void anAddressIsOrderedUnderShortlivedWhenTheCaListsItAndNoProfileIsSet() throws Exception {
        assertThat(ProfileCheck.forOrder(WITH_SHORTLIVED, Optional.empty(), List.of("192.0.2.1"), CA)).contains("shortlived");
        assertThat(ProfileCheck.forOrder(WITH_SHORTLIVED, Optional.empty(), List.of("2001:db8::1"), CA)).contains("shortlived");
    }

    @Test
    void aDomainNameKeepsTheCasDefaultWhenNoProfileIsSet() throws Exception {
        assertThat(ProfileCheck.forOrder(WITH_SHORTLIVED, Optional.empty(), List.of("example.com", "*.example.com"), CA)).isEmpty();
        assertThat(ProfileCheck.forOrder(WITHOUT_SHORTLIVED, Optional.empty(), List.of("example.com"), CA)).isEmpty();
    }

    @Test
    void aConfiguredProfileWinsForAddressesToo() throws Exception {
        assertThat(ProfileCheck.forOrder(WITH_SHORTLIVED, Optional.of("tlsserver"), List.of("192.0.2.1"), CA)).contains("tlsserver");
    }

    @Test
    void aCaThatListsProfilesButNoneForAddressesIsOwnerActionNamingThem() {
        assertThatThrownBy(() -> ProfileCheck.forOrder(WITHOUT_SHORTLIVED, Optional.empty(), List.of("192.0.2.1"), CA))
                .isInstanceOf(CaRefusalException.class)
                .hasMessageStartingWith("192.0.2.1 is an IP address")
                .hasMessageContaining("the CA at ca.example:14000 offers no 'shortlived' profile (it offers classic, tlsserver)")
                .hasMessageContaining("set autotls.profile");
    }

    @Test
    void aCaThatListsNoProfilesGetsTheOrderWithoutOne() throws Exception {
        assertThat(ProfileCheck.forOrder(NO_PROFILES, Optional.empty(), List.of("192.0.2.1"), CA)).isEmpty();
        assertThat(ProfileCheck.forOrder(NO_PROFILES, Optional.of("shortlived"), List.of("192.0.2.1"), CA)).isEmpty();
    }

    @Test
    void aConfiguredProfileTheCaDoesNotListIsRefusedAsBefore() {
        assertThatThrownBy(() -> ProfileCheck.forOrder(WITHOUT_SHORTLIVED, Optional.of("nosuch"), List.of("example.com"), CA))
                .isInstanceOf(CaRefusalException.class).hasMessageContaining("'nosuch'").hasMessageContaining("classic, tlsserver");
    }
}
