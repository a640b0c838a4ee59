package dev.autotls.internal.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.toolbox.JSON;

/**
 * What a CA's refusal of a renewal's order that names the certificate it replaces becomes
 * ({@link OrderFlow#refusal}): remembered for answers about the replacement itself, in the
 * wordings CAs use; asked again next time for anything else, so no answer leaves it unrenewed.
 */
class ReplacementRefusalTest {
    private static ReplacementRefusedException refusal(String type, String detail) throws Exception {
        Problem problem = new Problem(JSON.parse("{\"type\":\"urn:ietf:params:acme:error:" + type + "\",\"detail\":\"" + detail
                + "\",\"status\":400}"), new URL("https://ca.test/acme/new-order"));
        return OrderFlow.refusal(new AcmeServerException(problem), List.of("a.test"), BigInteger.valueOf(0xd715L), "ca.test:443");
    }

    @Test
    void answersAboutTheReplacementAreRememberedAndOthersAreNot() throws Exception {
        assertThat(refusal("alreadyReplaced", "certificate already replaced").aboutTheReplacement()).isTrue();
        assertThat(refusal("malformed", "parsing ARI CertID failed").aboutTheReplacement()).isTrue();
        assertThat(refusal("unauthorized", "requester account did not request the certificate being replaced by this order")
                .aboutTheReplacement()).isTrue();
        assertThat(refusal("serverInternal", "could not find an order for the given certificate").aboutTheReplacement()).isFalse();
        assertThat(refusal("rejectedIdentifier", "a.test is forbidden").aboutTheReplacement()).isFalse();
    }

    @Test
    void theSentenceNamesTheCaTheCertificateAndTheAnswer() throws Exception {
        ReplacementRefusedException refused = refusal("alreadyReplaced", "certificate already replaced");
        assertThat(refused.serial()).isEqualTo(BigInteger.valueOf(0xd715L));
        assertThat(refused.getMessage()).isEqualTo("the CA at ca.test:443 refused the order for [a.test] that names certificate "
                + "d715 as the one it replaces (alreadyReplaced: certificate already replaced)");
    }
}
