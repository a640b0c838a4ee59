package dev.autotls.internal.acmedns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.testing.Await;
import dev.autotls.testing.Responder;
import dev.autotls.testing.StandaloneResponder;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Issue 10 (c): a responder that cannot have its ports says so in one sentence and leaves
 * nothing open behind, a second responder never takes the first one's queries, and with
 * DNS port 0 UDP and TCP share one number.
 */
class ResponderPortsIT {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path folder;

    private static long responderThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("acmedns-")).count();
    }

    private static void assertOneSentence(String message) {
        assertThat(message).doesNotContain("\n").endsWith(".").doesNotContain("Exception");
        assertThat(message.substring(0, message.length() - 1)).doesNotContain(". ");
    }

    private static void assertAnswersOverUdpAndTcp(Responder responder) throws Exception {
        for (boolean tcp : new boolean[] {false, true}) {
            assertThat(responder.query("auth.test.", Type.SOA, tcp).getRcode()).as(tcp ? "tcp" : "udp").isEqualTo(Rcode.NOERROR);
        }
    }

    @Test
    void aSecondResponderOnATakenUdpPortFailsInOneSentenceAndTheFirstKeepsAnswering() throws Exception {
        try (Responder first = Responder.start(folder.resolve("first"), "auth.test", b -> { })) {
            int port = first.server.dnsPort();
            long threadsBefore = responderThreads();
            assertThatThrownBy(() -> Responder.start(folder.resolve("second"), "auth.test",
                    b -> b.dns(new InetSocketAddress("127.0.0.1", port))))
                    .isInstanceOf(IOException.class)
                    .hasMessage("DNS over UDP cannot listen on 127.0.0.1:" + port + " because another program (or another"
                            + " responder) already listens there; stop it or change [general] listen.")
                    .satisfies(e -> assertOneSentence(e.getMessage()));
            Await.until("the failed responder's threads to end", Duration.ofSeconds(10),
                    () -> responderThreads() == threadsBefore);
            assertAnswersOverUdpAndTcp(first);
        }
    }

    @Test
    void aUdpSocketThatAllowsSharingStillKeepsTheResponderOut() throws Exception {
        // how the responder bound before: SO_REUSEADDR set, which let a second one share the port
        try (DatagramSocket old = new DatagramSocket(null)) {
            old.setReuseAddress(true);
            old.bind(new InetSocketAddress(LOOPBACK, 0));
            assertThatThrownBy(() -> Responder.start(folder, "auth.test",
                    b -> b.dns(new InetSocketAddress("127.0.0.1", old.getLocalPort()))))
                    .hasMessageStartingWith("DNS over UDP cannot listen on 127.0.0.1:" + old.getLocalPort() + " because");
        }
    }

    @Test
    void aTakenTcpPortFailsInOneSentence() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.setReuseAddress(true); // as every TCP listener here, the responder's own included
            taken.bind(new InetSocketAddress(LOOPBACK, 0));
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> Responder.start(folder, "auth.test",
                    b -> b.transports(false, true).dns(new InetSocketAddress("127.0.0.1", port))))
                    .hasMessage("DNS over TCP cannot listen on 127.0.0.1:" + port + " because another program (or another"
                            + " responder) already listens there; stop it or change [general] listen.");
        }
    }

    @Test
    void aTakenApiPortFailsInOneSentenceAndClosesTheDnsSocketsItHadOpened() throws Exception {
        long threadsBefore = responderThreads();
        try (ServerSocket taken = new ServerSocket(0, 50, LOOPBACK)) {
            int apiPort = taken.getLocalPort();
            int dnsPort;
            try (DatagramSocket probe = new DatagramSocket(0, LOOPBACK)) {
                dnsPort = probe.getLocalPort(); // a number to give the responder, to bind again afterwards
            }
            assertThatThrownBy(() -> Responder.start(folder, "auth.test", b -> b.dns(new InetSocketAddress("127.0.0.1", dnsPort))
                    .api(new InetSocketAddress("127.0.0.1", apiPort))))
                    .hasMessage("The acme-dns API cannot listen on 127.0.0.1:" + apiPort + " because another program (or another"
                            + " responder) already listens there; stop it or change [api] ip and port.")
                    .satisfies(e -> assertOneSentence(e.getMessage()));
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, dnsPort));
                 ServerSocket tcp = new ServerSocket(dnsPort, 50, LOOPBACK)) {
                assertThat(udp.getLocalPort()).isEqualTo(tcp.getLocalPort()).isEqualTo(dnsPort);
            }
        }
        Await.until("the failed responder's threads to end", Duration.ofSeconds(10), () -> responderThreads() == threadsBefore);
    }

    @Test
    void portZeroGivesUdpAndTcpTheSameNumber() throws Exception {
        for (int i = 0; i < 10; i++) {
            try (Responder responder = Responder.start(folder.resolve("r" + i), "auth.test", b -> { })) {
                assertAnswersOverUdpAndTcp(responder);
            }
        }
    }

    @Test
    void theCommandLineSaysATakenPortInOneLineWithoutAStackTrace() throws Exception {
        try (StandaloneResponder first = new StandaloneResponder(folder.resolve("first"), "auth.test").start()) {
            StandaloneResponder second = new StandaloneResponder(folder.resolve("second"), "auth.test", "none", List.of(),
                    first.dnsPort);
            int exit = second.startExpectingExit(Duration.ofSeconds(60));
            assertThat(exit).isNotZero();
            assertThat(second.log()).contains("autotls acme-dns: DNS over UDP cannot listen on 127.0.0.1:" + first.dnsPort
                    + " because another program").doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(first.txt("auth.test.")).isEmpty(); // still answering: NOERROR, no TXT at the apex
        }
    }
}
