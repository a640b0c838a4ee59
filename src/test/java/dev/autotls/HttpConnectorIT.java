package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.ManualScheduler;
import dev.autotls.testing.MutableClock;
import dev.autotls.testing.Site;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plain HTTP connector: redirects everything to HTTPS (308, same host, path and query), answers only known tokens. */
class HttpConnectorIT {

    /** One request as a browser sends it (with its own Host header), the whole answer back. */
    private static String exchange(int port, String requestHead) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write((requestHead + "Connection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void redirectsToHttpsKeepingHostPathAndQueryAndAnswersNoUnknownToken(@TempDir Path storage) throws Exception {
        MutableClock clock = MutableClock.startingNow();
        try (Site site = Site.start(AutoTls.builder().ignoreSystemSettings().agreeToTermsOfService(true).domains("r.test").challenge("http-01")
                .ca("https://127.0.0.1:1/dir").storage(storage).httpPort(0).httpsPort(0)
                .clock(clock).scheduler(new ManualScheduler(clock)))) {
            String redirect = exchange(site.autoTls.httpPort(), "GET /some/page?x=1&y=2 HTTP/1.1\r\nHost: r.test\r\n");
            assertThat(redirect).startsWith("HTTP/1.1 308 ");
            assertThat(redirect).contains("Location: https://r.test:" + site.httpsPort() + "/some/page?x=1&y=2\r\n");

            String unknown = exchange(site.autoTls.httpPort(), "GET /.well-known/acme-challenge/nope HTTP/1.1\r\nHost: r.test\r\n");
            assertThat(unknown).startsWith("HTTP/1.1 404 ").doesNotContain("Hello");
        }
    }
}
