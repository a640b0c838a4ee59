package dev.autotls.internal.challenge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.fuzz.FuzzInput;
import java.io.IOException;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The acme-dns registration as stored between runs. */
class AcmeDnsClientTest {

    @Test
    void aStoredRegistrationReadsBackAsWritten() throws Exception {
        AcmeDnsClient.Registration registration = new AcmeDnsClient.Registration("u", "p", "s", "s.auth.example.org");
        assertThat(AcmeDnsClient.fromJson(AcmeDnsClient.toJson(registration, URI.create("https://acme-dns.test/"))))
                .isEqualTo(registration);
    }

    @Test
    void aStoredRegistrationWithoutCredentialsIsRefusedNotUsed() {
        // found by AcmeDnsRegistrationFuzzer: an empty file read as a registration of empty strings,
        // whose record would have been "_acme-challenge.<name>. CNAME ."
        for (String input : new String[] {"crash-empty-file.json", "crash-wrong-types.json"}) {
            assertThatThrownBy(() -> AcmeDnsClient.fromJson(FuzzInput.saved("AcmeDnsRegistrationFuzzer", input)))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("the stored acme-dns registration has no username, password or fulldomain");
        }
    }
}
