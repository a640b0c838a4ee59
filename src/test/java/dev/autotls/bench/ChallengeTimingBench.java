package dev.autotls.bench;

import dev.autotls.AutoTls;
import dev.autotls.AutoTlsListener;
import dev.autotls.CertificateEvent;
import dev.autotls.Setting;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.Ports;
import dev.autotls.testing.Site;
import dev.autotls.testing.TlsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Issuance time of tls-alpn-01 beside http-01 against one local Pebble 2.10
 * ({@code PEBBLE_VA_NOSLEEP=1}), in one JVM, alternating: each run is a fresh site with fresh
 * storage (so a new account, and no authorization Pebble could reuse) and a name of its own.
 * Two figures per run: from the start of the order to the CA's certificate being served (the
 * {@link CertificateEvent#took()} autotls reports), and from {@code server.start()} to a TLS
 * client trusting only Pebble's root getting that certificate (account creation included).
 *
 * <p>{@code java -cp ... dev.autotls.bench.ChallengeTimingBench [runs]} (default 5); needs Pebble
 * from {@code scripts/peers.sh}.
 */
public final class ChallengeTimingBench {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int httpPort = Ports.free();
        int tlsPort = Ports.free();
        List<long[]> alpn = new ArrayList<>();
        List<long[]> http = new ArrayList<>();
        try (Pebble pebble = Pebble.startValidating("sid", httpPort, tlsPort)) {
            TlsClient client = TlsClient.trusting(pebble.roots());
            for (int run = 0; run < runs; run++) {
                alpn.add(issue(pebble, client, "alpn" + run + ".bench.test", "tls-alpn-01", tlsPort, -1));
                http.add(issue(pebble, client, "http" + run + ".bench.test", "http-01", 0, httpPort));
            }
        }
        print("tls-alpn-01", alpn);
        print("http-01", http);
        BenchSupport.report("challenges.md", "Command: `java -cp target/test-classes:target/classes:$(cat target/cp.txt) "
                        + "dev.autotls.bench.ChallengeTimingBench " + runs + "`; Pebble 2.10, PEBBLE_VA_NOSLEEP=1, alternating",
                line("tls-alpn-01", alpn), line("http-01", http));
    }

    /** One fresh site until the CA's certificate is served: {order start to served, server start to seen by a client} in ms. */
    private static long[] issue(Pebble pebble, TlsClient client, String name, String challenge, int httpsPort, int httpPort)
            throws Exception {
        Path storage = Files.createTempDirectory("bench-challenge-");
        CompletableFuture<CertificateEvent> obtained = new CompletableFuture<>();
        AutoTls.Builder builder = AutoTls.builder().ignoreSystemSettings().domains(name)
                .ca(pebble.directory().toString()).caTrust(pebble.listenerTrust())
                .storage(storage).challenge(challenge).httpsPort(httpsPort).agreeToTermsOfService(true)
                .set(Setting.HTTP_PORT, httpPort < 0 ? "off" : Integer.toString(httpPort))
                .listener(new AutoTlsListener() {
                    @Override
                    public void onObtained(CertificateEvent event) {
                        obtained.complete(event);
                    }
                });
        Site site = Site.installed(builder);
        long started = System.nanoTime();
        try {
            site.server.start();
            CertificateEvent event = obtained.get(60, TimeUnit.SECONDS);
            long seen;
            while (true) {
                try {
                    if (client.leaf(site.httpsPort(), name).getIssuerX500Principal().getName().contains("Pebble")) {
                        seen = System.nanoTime();
                        break;
                    }
                } catch (javax.net.ssl.SSLException stillSelfSigned) {
                    // the client trusts only Pebble: the temporary certificate fails the handshake
                }
            }
            return new long[] {event.took().toMillis(), Duration.ofNanos(seen - started).toMillis()};
        } finally {
            site.close();
        }
    }

    private static long median(List<long[]> runs, int column) {
        List<Long> values = new ArrayList<>();
        for (long[] run : runs) {
            values.add(run[column]);
        }
        values.sort(Long::compare);
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }

    private static String line(String challenge, List<long[]> runs) {
        List<String> each = new ArrayList<>();
        for (long[] run : runs) {
            each.add(run[0] + "/" + run[1]);
        }
        return String.format("- %s: median %d ms from order start to served, %d ms from server start to served "
                + "(%d runs, order/start ms each: %s)", challenge, median(runs, 0), median(runs, 1), runs.size(), each);
    }

    private static void print(String challenge, List<long[]> runs) {
        System.out.println(line(challenge, runs));
    }
}
