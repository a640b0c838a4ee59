package dev.autotls.bench;

import dev.autotls.AutoTls;
import dev.autotls.AutoTlsListener;
import dev.autotls.CertificateEvent;
import dev.autotls.FailureEvent;
import dev.autotls.Setting;
import dev.autotls.testing.Bind;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.Ports;
import dev.autotls.testing.Unbound;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;

/**
 * Issuance time of the RFC 2136 alias against a real BIND 9 beside http-01's, in the same JVM
 * against the same Pebble, alternating (rfc2136, http-01, rfc2136, ...), so both see the same
 * machine load. Each run is a new name (no authorization to reuse) on a started Jetty with the
 * account already stored (one warm-up run of each first), timed from {@code server.start()}
 * to the CA's certificate being served. Pebble validates through unbound, which follows the
 * CNAME into BIND's alias zone.
 *
 * <p>{@code java -cp ... dev.autotls.bench.Rfc2136TimingBench [runs, default 5]}
 */
public final class Rfc2136TimingBench {
    private static final String ZONE = "bench.test";
    private static final String ALIAS = "alias.test";

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path dir = Files.createTempDirectory("rfc2136-bench-");
        StringBuilder parent = new StringBuilder("$ORIGIN " + ZONE + ".\n$TTL 1\n@ SOA ns.invalid. h.invalid. 1 3600 600 86400 1\n"
                + "@ NS ns.invalid.\n* A 127.0.0.1\n");
        for (int i = 0; i <= runs; i++) {
            parent.append("_acme-challenge.r").append(i).append(" CNAME r").append(i).append('.').append(ZONE).append('.')
                    .append(ALIAS).append(".\n");
        }
        String alias = "$ORIGIN " + ALIAS + ".\n$TTL 1\n@ SOA ns.invalid. h.invalid. 1 3600 600 86400 1\n@ NS ns.invalid.\n";
        try (Bind bind = Bind.start(dir.resolve("bind"), Map.of(ZONE, parent.toString(), ALIAS, alias), List.of(ALIAS));
             Unbound unbound = Unbound.start(dir.resolve("unbound"), Map.of(ZONE, bind.port(), ALIAS, bind.port()));
             Pebble pebble = Pebble.startWithDns("sid", Ports.free(), unbound.port())) {
            List<Long> rfc2136 = new ArrayList<>();
            List<Long> http01 = new ArrayList<>();
            for (int i = 0; i <= runs; i++) { // run 0 of each is the warm-up: account, JIT, connections
                long a = issue(dir, pebble, bind, unbound, "rfc2136", "r" + i + "." + ZONE);
                long b = issue(dir, pebble, bind, unbound, "http-01", "h" + i + "." + ZONE);
                if (i > 0) {
                    rfc2136.add(a);
                    http01.add(b);
                }
            }
            System.out.printf("rfc2136-timing: rfc2136 (BIND 9) runs_ms=%s median_ms=%d%n", rfc2136, median(rfc2136));
            System.out.printf("rfc2136-timing: http-01 runs_ms=%s median_ms=%d%n", http01, median(http01));
            System.out.printf("rfc2136-timing: %d runs each, alternating, one new name per run, Pebble 2.10 with "
                    + "PEBBLE_VA_NOSLEEP=1 through unbound%n", runs);
            BenchSupport.report("rfc2136.md", "Command: `java -cp ... dev.autotls.bench.Rfc2136TimingBench " + runs + "`", "",
                    "| Strategy | Median issuance (" + runs + " runs) | Runs |", "|---|---|---|",
                    "| rfc2136 (BIND 9, TSIG) | " + median(rfc2136) + " ms | " + rfc2136 + " |",
                    "| http-01 | " + median(http01) + " ms | " + http01 + " |");
        }
    }

    /** Milliseconds from the server's start to the CA's certificate for {@code name} being obtained. */
    private static long issue(Path dir, Pebble pebble, Bind bind, Unbound unbound, String challenge, String name) throws Exception {
        CompletableFuture<CertificateEvent> obtained = new CompletableFuture<>();
        AutoTls.Builder builder = AutoTls.builder().ignoreSystemSettings().domains(name)
                .ca(pebble.directory().toString()).caTrust(pebble.listenerTrust()).storage(dir.resolve("storage-" + challenge))
                .challenge(challenge).httpsPort(0).agreeToTermsOfService(true)
                .set(Setting.DNS_RESOLVERS, "127.0.0.1:" + unbound.port())
                .listener(new AutoTlsListener() {
                    @Override
                    public void onObtained(CertificateEvent event) {
                        obtained.complete(event);
                    }

                    @Override
                    public void onFailed(FailureEvent event) {
                        obtained.completeExceptionally(new IllegalStateException(challenge + " failed for " + name, event.cause()));
                    }
                });
        if (challenge.equals("rfc2136")) {
            builder.set(Setting.RFC2136_SERVER, "127.0.0.1:" + bind.port()).set(Setting.RFC2136_ZONE, ALIAS)
                    .set(Setting.RFC2136_TSIG, bind.tsigSetting()).set(Setting.HTTP_PORT, "off");
        } else {
            builder.httpPort(pebble.httpPort);
        }
        Server server = new Server();
        server.setHandler(new org.eclipse.jetty.server.handler.DefaultHandler());
        builder.build().installOn(server);
        long begin = System.nanoTime();
        server.start();
        try {
            obtained.get(2, TimeUnit.MINUTES);
            return (System.nanoTime() - begin) / 1_000_000;
        } finally {
            server.stop();
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
