package dev.autotls.bench;

import dev.autotls.AutoTls;
import dev.autotls.internal.Assembly;
import dev.autotls.internal.store.CertificateFiles;
import dev.autotls.internal.store.FileCertificateStore;
import dev.autotls.internal.store.StorageKeys;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.Server;

/**
 * Many names: N stored certificates (a0 ... a{N-1}.bench.test, one each), then the time from
 * start to all served, the heap after a full GC, and full TLS handshakes per second with SNI
 * spread over all names versus one name.
 *
 * <p>{@code java -cp ... dev.autotls.bench.ManyNamesBench [N] [seconds] [storage folder]}; the
 * storage is generated once and reused (certificates signed by one throwaway key, which the
 * client trusts blindly: this measures serving, not validation).
 */
public final class ManyNamesBench {
    private static final String CA = "https://127.0.0.1:1/dir";
    /**
     * The 10,000-name figures before lazy loading (issue 25), per JDK: load ms and heap MB after
     * full GC, from BENCHMARKS.md of 2026-12-01 (main at the time); the regression line.
     */
    private static final java.util.Map<Integer, long[]> TODAY = java.util.Map.of(17, new long[] {2309, 67}, 25, new long[] {2273, 66});
    /** Handshakes that failed (a certificate not read from the store within the handshake's wait). */
    private static final AtomicLong FAILED = new AtomicLong();

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path storage = args.length > 2 ? Path.of(args[2])
                : Path.of(System.getProperty("user.home"), ".cache", "autotls", "bench-names-" + count);
        generateIfMissing(storage, count);

        String[] names = new String[count];
        for (int i = 0; i < count; i++) {
            names[i] = "a" + i + ".bench.test";
        }
        Server server = new Server();
        long begin = System.nanoTime();
        AutoTls tls = AutoTls.builder().ignoreSystemSettings().agreeToTermsOfService(true).domains(names).ca(CA).storage(storage).challenge("http-01")
                .httpPort(0).httpsPort(0).scheduler(BenchSupport.idleScheduler()).build().installOn(server);
        server.start();
        long loadedMillis = (System.nanoTime() - begin) / 1_000_000;
        long heap = BenchSupport.heapAfterGcMiB();
        int port = tls.httpsPort();

        handshakesPerSecond(port, names, Math.max(1, seconds / 2)); // warm-up: JIT, not the registry, dominates a cold start
        double single = handshakesPerSecond(port, new String[] {names[0]}, seconds);
        double spread = handshakesPerSecond(port, names, seconds);
        // every managed name is served from the start; its certificate is decoded when a handshake first asks for it
        System.out.printf("many-names: names=%d load_ms=%d heap_after_gc_mib=%d served=%d decoded_after_handshakes=%d "
                        + "heap_after_handshakes_mib=%d%n", count, loadedMillis, heap, tls.getBean(Assembly.class).certificates().size(),
                tls.getBean(Assembly.class).registry().cacheStats().size(), BenchSupport.heapAfterGcMiB());
        System.out.printf("many-names: handshakes_per_s spread=%.0f one_name=%.0f ratio=%.2f (%d s each, 2 client threads), "
                + "failed=%d%n", spread, single, spread / single, seconds, FAILED.get());
        String jdk = "JDK " + Runtime.version().feature();
        if (!BenchSupport.hasFragment("names.md")) { // the first JDK's run writes the table's head
            BenchSupport.report("names.md", "Command: `bash scripts/bench-tls.sh SECONDS " + count + "` (ManyNamesBench, " + seconds
                    + " s per rate, once per JDK); one certificate per name, full handshakes from 2 client threads for " + seconds
                    + " s each.", "",
                    "| JDK | Names | Start to all served | Heap after full GC | Handshakes/s, SNI spread over all | Handshakes/s, one name | Ratio |",
                    "|---|---|---|---|---|---|---|");
        }
        BenchSupport.report("names.md", String.format("| %s | %d | %d ms | %d MiB | %.0f | %.0f | %.2f |", jdk, count, loadedMillis, heap,
                spread, single, spread / single));
        long heapMb = heap * 1024 * 1024 / 1_000_000;
        List<String> targets = new ArrayList<>(List.of(
                BenchSupport.target("load " + count + " names on " + jdk + ", ms", Long.toString(loadedMillis), "<= 2000", loadedMillis <= 2000),
                BenchSupport.target("heap after full GC on " + jdk + ", MB", Long.toString(heapMb), "<= 100", heapMb <= 100),
                BenchSupport.target("handshakes/s ratio spread/one name on " + jdk, String.format("%.2f", spread / single), ">= 0.9",
                        spread / single >= 0.9)));
        long[] today = count == 10_000 ? TODAY.get(Runtime.version().feature()) : null;
        if (today != null) { // issue 25: lazy loading must not make 10,000 names slower or bigger than they were
            long loadLimit = Math.round(today[0] * 1.1);
            long heapLimit = Math.round(today[1] * 1.1);
            targets.add(BenchSupport.target("load " + count + " names on " + jdk + " no slower than before lazy loading ("
                    + today[0] + " ms, +10% for noise), ms", Long.toString(loadedMillis), "<= " + loadLimit, loadedMillis <= loadLimit));
            targets.add(BenchSupport.target("heap after full GC on " + jdk + " no bigger than before lazy loading (" + today[1]
                    + " MB, +10% for noise), MB", Long.toString(heapMb), "<= " + heapLimit, heapMb <= heapLimit));
        }
        BenchSupport.report("names-targets.md", targets.toArray(new String[0]));
        server.stop();
    }

    private static double handshakesPerSecond(int port, String[] names, int seconds) throws Exception {
        SSLContext context = FullHandshakes.clientContext();
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            clients.add(new Thread(() -> {
                while (System.nanoTime() < end) {
                    String name = names[ThreadLocalRandom.current().nextInt(names.length)];
                    try {
                        FullHandshakes.handshake(context, port, name);
                        done.incrementAndGet();
                    } catch (Exception e) {
                        FAILED.incrementAndGet(); // a certificate not read within the handshake's wait: counted, not fatal
                    }
                }
            }));
        }
        long start = System.nanoTime();
        clients.forEach(Thread::start);
        for (Thread client : clients) {
            client.join();
        }
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }

    private static void generateIfMissing(Path storage, int count) throws Exception {
        String caFolder = StorageKeys.caFolder(URI.create(CA));
        if (Files.isDirectory(storage.resolve(caFolder).resolve("certificates"))) {
            return;
        }
        long begin = System.nanoTime();
        BenchCertificates issuer = new BenchCertificates(); // one key for all: generation cost is not what is measured
        CertificateFiles files = new CertificateFiles(new FileCertificateStore(storage), caFolder);
        Instant now = Instant.now();
        for (int i = 0; i < count; i++) {
            files.save(issuer.issue("a" + i + ".bench.test", BigInteger.valueOf(i + 1L), now.minus(Duration.ofDays(1)),
                    now.plus(Duration.ofDays(90))));
        }
        System.out.printf("many-names: generated %d stored certificates in %d ms (%s)%n", count,
                (System.nanoTime() - begin) / 1_000_000, storage);
    }

}
