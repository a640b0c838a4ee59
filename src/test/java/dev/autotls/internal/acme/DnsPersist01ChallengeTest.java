package dev.autotls.internal.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.internal.tls.KeyType;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.exception.AcmeProtocolException;
import org.shredzone.acme4j.toolbox.JSON;

/** The three draft shapes of the challenge object, read through acme4j's own plug-in lookup. */
class DnsPersist01ChallengeTest {
    private final Login login = new Session(URI.create("https://ca.test/dir"))
            .login(url("https://ca.test/acct/1"), KeyType.EC256.generate());

    private static java.net.URL url(String text) {
        try {
            return URI.create(text).toURL();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private Challenge challenge(String json) {
        return login.createChallenge(JSON.parse(json));
    }

    @Test
    void draft00ShapeFromPebble() {
        Challenge challenge = challenge("{\"type\":\"dns-persist-01\",\"url\":\"https://ca.test/chall/1\",\"status\":\"pending\","
                + "\"issuer-domain-names\":[\"pebble.letsencrypt.org\"]}");
        assertThat(challenge).isInstanceOf(DnsPersist01Challenge.class);
        assertThat(((DnsPersist01Challenge) challenge).issuerDomainNames()).containsExactly("pebble.letsencrypt.org");
        assertThat(((DnsPersist01Challenge) challenge).accountUri()).isEmpty();
    }

    @Test
    void draft01ShapeWithAccountUri() {
        DnsPersist01Challenge challenge = (DnsPersist01Challenge) challenge("{\"type\":\"dns-persist-01\","
                + "\"url\":\"https://ca.test/chall/1\",\"status\":\"pending\",\"issuer-domain-names\":[\"letsencrypt.org\"],"
                + "\"accounturi\":\"https://ca.test/acct/1\"}");
        assertThat(challenge.accountUri()).hasValue("https://ca.test/acct/1");
    }

    @Test
    void draft02ShapeWithCamelCaseNamesNormalized() {
        DnsPersist01Challenge challenge = (DnsPersist01Challenge) challenge("{\"type\":\"dns-persist-01\","
                + "\"url\":\"https://ca.test/chall/1\",\"status\":\"pending\","
                + "\"issuerDomainNames\":[\"Authority.Example.\",\"ca.example.net\"]}");
        assertThat(challenge.issuerDomainNames()).containsExactly("authority.example", "ca.example.net");
    }

    @Test
    void emptyOrMoreThanTenIssuerNamesAreMalformed() {
        DnsPersist01Challenge empty = (DnsPersist01Challenge) challenge("{\"type\":\"dns-persist-01\","
                + "\"url\":\"https://ca.test/chall/1\",\"status\":\"pending\",\"issuerDomainNames\":[]}");
        assertThatThrownBy(empty::issuerDomainNames).isInstanceOf(AcmeProtocolException.class)
                .hasMessageContaining("malformed").hasMessageContaining("lists 0 issuer domain names");
        StringBuilder eleven = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            eleven.append(i == 0 ? "" : ",").append("\"ca").append(i).append(".example\"");
        }
        DnsPersist01Challenge tooMany = (DnsPersist01Challenge) challenge("{\"type\":\"dns-persist-01\","
                + "\"url\":\"https://ca.test/chall/1\",\"status\":\"pending\",\"issuerDomainNames\":[" + eleven + "]}");
        assertThatThrownBy(tooMany::issuerDomainNames).hasMessageContaining("lists 11");
    }
}
