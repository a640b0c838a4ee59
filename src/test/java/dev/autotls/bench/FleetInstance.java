package dev.autotls.bench;

import dev.autotls.AutoTls;
import dev.autotls.internal.store.CertificateFiles;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.internal.store.StoredCertificate;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.jetty.server.Server;

/**
 * One instance of a fleet, as its own JVM, for {@link FleetBench}: Jetty with autotls configured
 * only by system properties ({@code -Dautotls.storage=postgresql://...}, no {@code autotls.domains}:
 * the names are those the store's managed set holds, as on a platform that adds its customers'
 * names with {@code manage}). Once the server has started it prints
 * {@code ready HTTPS_PORT UPTIME_MS} on standard output, then answers one line per command read
 * from standard input:
 *
 * <pre>
 * heap          heap BYTES                 heap in use after a full collection
 * store NAME    stored NAME SERIAL_HEX     a new certificate for NAME, saved as maintenance saves one (its lease, one saveAll)
 * sync          synced PUBLISHED           one look at the store ({@code AutoTls.syncWithStore}), after the one under way if any
 * quit          (stops the server and exits; so does the end of standard input)
 * </pre>
 *
 * The log goes to standard error.
 */
public final class FleetInstance {
    private FleetInstance() {
    }

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        AutoTls tls = AutoTls.builder().build().installOn(server);
        server.start();
        System.out.println("ready " + tls.httpsPort() + " " + ManagementFactory.getRuntimeMXBean().getUptime());
        System.out.flush();
        String ca = System.getProperty("autotls.ca");
        CertificateFiles files = new CertificateFiles(tls.store(), StorageKeys.caFolder(URI.create(ca)));
        BenchCertificates issuer = new BenchCertificates();
        SecureRandom random = new SecureRandom();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            for (String line = commands.readLine(); line != null && !line.equals("quit"); line = commands.readLine()) {
                String[] words = line.trim().split(" ");
                switch (words[0]) {
                    case "heap" -> answer("heap " + BenchSupport.heapAfterGcBytes());
                    case "store" -> {
                        Instant now = Instant.now();
                        // later than what is stored, so every instance takes it as the newer one
                        StoredCertificate next = issuer.issue(words[1], new BigInteger(63, random).add(BigInteger.ONE),
                                now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofDays(91)));
                        files.save(next);
                        answer("stored " + words[1] + " " + next.leaf().getSerialNumber().toString(16));
                    }
                    case "sync" -> answer("synced " + tls.syncWithStore());
                    default -> answer("unknown command: " + line);
                }
            }
        } finally {
            server.stop();
        }
        System.exit(0); // the store's and Jetty's threads are stopped; a leftover non-daemon thread must not keep the JVM
    }

    private static void answer(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
