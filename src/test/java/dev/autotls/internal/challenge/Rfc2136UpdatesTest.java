package dev.autotls.internal.challenge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.spi.OwnerActionException;
import dev.autotls.spi.TransientException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;

/** What a server's answer to an update becomes: the kind of error, and one sentence with the key, the zone and the fix. */
class Rfc2136UpdatesTest {
    private static final String SECRET = "jVCwAD1TKb0x/JvcWn3yIRobnh9/CL7vWQaW0dZ9j8Q=";
    private final Rfc2136Updates updates = new Rfc2136Updates(new Rfc2136Settings(
            InetSocketAddress.createUnresolved("ns1.example.org", 53), "acme-alias.example.org",
            TsigKey.parse("hmac-sha256:acme-alias:" + SECRET)));

    @Test
    void aRefusalNamesTheKeyTheZoneAndTheUpdatePolicyLine() {
        assertThat(updates.refusal("add TXT at www.example.com.acme-alias.example.org", Rcode.REFUSED, Rcode.NOERROR))
                .isInstanceOf(OwnerActionException.class)
                .hasMessage("the DNS server ns1.example.org:53 refused to let the TSIG key acme-alias add TXT at "
                        + "www.example.com.acme-alias.example.org (REFUSED): allow it in named.conf, zone \"acme-alias.example.org\" "
                        + "{ ...; update-policy { grant acme-alias zonesub TXT; }; };, and reload named");
    }

    @Test
    void keyProblemsAreTheOwnersAndSayWhichOne() {
        assertThat(updates.refusal("send a signed test update", Rcode.NOTAUTH, Rcode.BADKEY)).isInstanceOf(OwnerActionException.class)
                .hasMessageStartingWith("the DNS server ns1.example.org:53 does not know the TSIG key acme-alias (NOTAUTH/BADKEY): "
                        + "add key \"acme-alias\" { algorithm hmac-sha256; secret \"...\"; };");
        assertThat(updates.refusal("send a signed test update", Rcode.NOTAUTH, Rcode.BADSIG)).isInstanceOf(OwnerActionException.class)
                .hasMessageContaining("holds another secret or algorithm for the TSIG key acme-alias (NOTAUTH/BADSIG)");
        assertThat(updates.refusal("send a signed test update", Rcode.NOTAUTH, Rcode.BADTIME)).isInstanceOf(OwnerActionException.class)
                .hasMessageContaining("differ by more than 5 minutes");
        assertThat(updates.refusal("send a signed test update", Rcode.NOTAUTH, Rcode.NOERROR)).isInstanceOf(OwnerActionException.class)
                .hasMessageStartingWith("the DNS server ns1.example.org:53 is not the primary of acme-alias.example.org (NOTAUTH): "
                        + "set autotls.rfc2136.server");
        for (int rcode : new int[] {Rcode.REFUSED, Rcode.NOTAUTH}) {
            for (int tsig : new int[] {Rcode.NOERROR, Rcode.BADKEY, Rcode.BADSIG}) {
                assertThat(updates.refusal("x", rcode, tsig).getMessage()).doesNotContain(SECRET);
            }
        }
    }

    @Test
    void aServerFailureIsTransient() {
        assertThat(updates.refusal("add TXT at a", Rcode.SERVFAIL, Rcode.NOERROR)).isInstanceOf(TransientException.class)
                .hasMessage("the DNS server ns1.example.org:53 failed to add TXT at a (SERVFAIL), for the TSIG key acme-alias "
                        + "in acme-alias.example.org");
    }

    @Test
    void anUnreachableServerIsTransientAndNamesHostAndPort() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Rfc2136Updates nowhere = new Rfc2136Updates(new Rfc2136Settings(new InetSocketAddress("127.0.0.1", closed),
                "acme-alias.example.org", TsigKey.parse("hmac-sha256:acme-alias:" + SECRET)));
        org.assertj.core.api.Assertions.assertThatThrownBy(nowhere::probe).isInstanceOf(TransientException.class)
                .hasMessageStartingWith("could not reach the DNS server 127.0.0.1:" + closed + " to send a signed test update (RFC 2136): ");
    }
}
