package dev.autotls.bench;

import dev.autotls.testing.Postgres;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * N names in one PostgreSQL store (issue 25): a platform's fleet, its instances each a JVM of
 * their own ({@link FleetInstance}) serving the names of the store's managed set (no
 * {@code autotls.domains}), the store prepared once and reused ({@link FleetFixture}). Measures,
 * in one run:
 * <ol>
 *   <li>process start to a handshake showing the stored certificate of a stored name, with N
 *       names and with 1 (the same settings; the median of {@code fleet.starts} alternating runs);
 *   <li>heap after a full GC, after the start and after the handshakes below;
 *   <li>full handshakes per second from 2 client threads, each for a name never asked before
 *       (spread over all N), against one name asked again and again; the latency of handshakes
 *       one after another, alternating between a first-time name and the one name;
 *   <li>what one sync with nothing changed costs the store: an instance reaches the store
 *       through {@link PostgresWire}, which counts bytes, statements and rows, over
 *       {@code fleet.syncs} syncs made one after another ({@code AutoTls.syncWithStore()});
 *   <li>a certificate stored by instance A until instance B serves it, both with a sync interval
 *       of 1 h (so only a notification can do it), B asked by handshakes every few milliseconds.
 * </ol>
 * Prints every figure, checks the targets, and writes the fragments {@code fleet.md}
 * and {@code fleet-targets.md} of BENCHMARKS.md ({@link BenchSupport#report}).
 *
 * <p>{@code java -cp ... dev.autotls.bench.FleetBench N [seconds]}, with {@code -Dfleet.starts=3},
 * {@code -Dfleet.changes=20}, {@code -Dfleet.first-time=300} (handshakes of each kind for the
 * latencies), {@code -Dfleet.syncs=10}, {@code -Dfleet.change-wait=5s}, {@code -Dfleet.settle=300s}
 * (how long the counted instance's first look at the store may take), {@code -Dfleet.xmx=2g},
 * {@code -Dfleet.instance-options="-Dautotls.cache.certificates=20000 ..."} (passed to every
 * instance), {@code -Dbench.command=...} (the command printed with the figures);
 * {@code scripts/bench-fleet.sh} sets them from its environment.
 */
public final class FleetBench {
    /**
     * The figures before lazy loading, the regression line: the library at 9625f7c with this
     * benchmark (branch {@code bench} before issue 25's merge), on 2 cores shared with other builds;
     * for a quiet baseline run {@code bash scripts/bench-fleet.sh 10000}
     * in a worktree of branch {@code bench}'s last commit before that merge, and replace these.
     */
    static final Map<Integer, Today> TODAY = Map.of(10_000, new Today(15_052, 74, "2026-12-07, load average 7 to 9 from other builds",
            "start to a stored name served 15052 ms (median of 43174, 12017 and 15052; 1 name: 1708 ms), heap after full GC "
                    + "74 MB, first-time handshake p50 6.5 ms (one name: 5.9 ms), 157 / 151 handshakes/s; a start reads 22.7 MB "
                    + "in 30,006 rows, the first look after it 24.9 MB in 40,002 rows (one query per certificate, 23.7 s); per "
                    + "sync 589.2 kB to the store (every key) and 746.2 kB from it in 10,001 rows; a change by A never reached "
                    + "B (3 of 3 not within 5 s)"));

    private final Options options;
    private final Path logs;
    private final Postgres postgres;
    /** Every name but the one the starts ask for, each handed out once: the names not in memory. */
    private final FleetHandshakes.FirstTime firstTimeNames;

    /** Figures before lazy loading: start to a stored name served and heap after start (targets), and all of them in words. */
    record Today(long startMillis, long heapMb, String measured, String figures) {
    }

    private FleetBench(Options options, Path logs, Postgres postgres) {
        this.options = options;
        this.logs = logs;
        this.postgres = postgres;
        List<String> names = new ArrayList<>(options.count - 1);
        for (int i = 0; i < options.count - 1; i++) {
            names.add(FleetFixture.name(i));
        }
        this.firstTimeNames = new FleetHandshakes.FirstTime(names, 25);
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.from(args);
        Path logs = Files.createDirectories(Path.of("target", "bench-fleet", Integer.toString(options.count)));
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "autotls");
        System.out.printf("fleet: %d names, command: %s (instance logs in %s); load average %s%n", options.count, options.command,
                logs, loadAverage());
        try (Postgres postgres = Postgres.start()) {
            FleetFixture fixture = FleetFixture.on(postgres, cache);
            String one = fixture.prepare("fleet_one", 1);
            String many = fixture.prepare("fleet_many", options.count);
            new FleetBench(options, logs, postgres).run(one, many);
        }
        System.out.printf("fleet: load average %s (other work on this machine moves every figure)%n", loadAverage());
        System.exit(0); // the store pool of the fixture and the handshake threads are gone; nothing else is to wait for
    }

    private void run(String one, String many) throws Exception {
        FleetResults results = new FleetResults(options);
        String probe = FleetFixture.name(options.count - 1); // the name added last; in the 1-name store its only name is a0
        InstanceProcess a = null;
        try {
            for (int run = 1; run <= options.starts; run++) {
                try (InstanceProcess single = start("one-" + run, one, Duration.ofHours(1))) {
                    results.startOne.add(untilServed(single, FleetFixture.name(0)));
                }
                InstanceProcess fleet = start("many-" + run, many, Duration.ofHours(1));
                try {
                    results.startMany.add(untilServed(fleet, probe));
                } catch (Exception | Error e) {
                    fleet.close();
                    throw e;
                }
                System.out.printf("fleet: start %d: 1 name %d ms, %d names %d ms (process start to the stored certificate served)%n",
                        run, last(results.startOne), options.count, last(results.startMany));
                if (run < options.starts) {
                    fleet.close();
                } else {
                    a = fleet;
                }
            }
            results.heapStarted = a.heapAfterGc();
            handshakes(a, probe, results);
            results.heapAfterHandshakes = a.heapAfterGc();
            changes(a, many, probe, results);
        } finally {
            if (a != null) {
                a.close();
            }
        }
        storeLoad(many, probe, results);
        results.print();
    }

    /** Item 3 on instance A: one hot name against names never asked for before. */
    private void handshakes(InstanceProcess a, String hot, FleetResults results) throws Exception {
        FleetHandshakes client = new FleetHandshakes(a.httpsPort());
        int seconds = options.seconds;
        client.perSecond(() -> hot, Math.max(1, seconds / 2)); // warm-up of both sides' code (JIT), on the hot name only
        HandshakeProbe.Samples[] oneByOne = client.alternating(hot, firstTimeNames.take(options.firstTime));
        results.hot = oneByOne[0].latencies();
        results.firstTime = oneByOne[1].latencies();
        results.ratePerSecondOne = client.perSecond(() -> hot, seconds);
        results.ratePerSecondSpread = client.perSecond(firstTimeNames, seconds);
        results.reused = firstTimeNames.reused();
        System.out.printf("fleet: handshakes one after another: one name %s; first-time names %s%n", results.hot, results.firstTime);
        System.out.printf("fleet: handshakes/s from 2 threads for %d s: first-time names spread over all %.0f, one name %.0f%s%n",
                seconds, results.ratePerSecondSpread, results.ratePerSecondOne,
                results.reused > 0 ? " (" + results.reused + " handshakes got a name asked before: all were used)" : "");
    }

    /** Item 5: A stores, B (started now) serves; B's sync interval is 1 h. */
    private void changes(InstanceProcess a, String many, String probe, FleetResults results) throws Exception {
        try (InstanceProcess b = start("b", many, Duration.ofHours(1))) {
            long bStart = untilServed(b, probe);
            System.out.printf("fleet: instance B started in %d ms%n", bStart);
            FleetHandshakes client = new FleetHandshakes(b.httpsPort());
            int missedInARow = 0;
            for (int i = 0; i < options.changes; i++) {
                String name = firstTimeNames.get();
                X509Certificate before = client.served(name); // B holds it in memory now, so only news of the change can replace it
                BigInteger serial = a.store(name);
                long stored = System.nanoTime();
                long served = -1;
                while (System.nanoTime() - stored < options.changeWait.toNanos()) {
                    X509Certificate leaf = client.served(name);
                    if (leaf != null && leaf.getSerialNumber().equals(serial)) {
                        served = System.nanoTime();
                        break;
                    }
                    Thread.sleep(2);
                }
                results.changeMillis.add(served < 0 ? -1 : (served - stored) / 1_000_000);
                System.out.printf("fleet: change %d (%s, serial %s -> %s): %s%n", i + 1, name,
                        before == null ? "none" : before.getSerialNumber().toString(16), serial.toString(16),
                        served < 0 ? "not served by B within " + options.changeWait.toMillis() + " ms"
                                : "served by B after " + last(results.changeMillis) + " ms");
                missedInARow = served < 0 ? missedInARow + 1 : 0;
                if (missedInARow == 3 && i == 2) {
                    System.out.println("fleet: the first 3 changes never reached B: no notifications; not waiting for the rest");
                    break;
                }
            }
        }
    }

    /**
     * Item 4: instance C reaches the store through the counting relay; after its first look at
     * the store (which may read much), {@code fleet.syncs} more looks with nothing changed, each
     * counted on its own: {@code AutoTls.syncWithStore()} makes the look the sync job makes every
     * interval. C's own interval is 1 h, so nothing else runs meanwhile.
     */
    private void storeLoad(String many, String probe, FleetResults results) throws Exception {
        try (PostgresWire wire = PostgresWire.to(postgres.port());
             InstanceProcess c = start("c", many.replace(":" + postgres.port() + "/", ":" + wire.port() + "/"),
                     Duration.ofHours(1))) {
            untilServed(c, probe);
            results.startRead = wire.counts();
            results.firstSyncMillis = c.sync(options.settle);
            if (results.firstSyncMillis < 0) {
                results.firstSync = wire.counts().minus(results.startRead);
                System.out.printf("fleet: instance C's first look at the store had not ended after %d s: the syncs are not "
                        + "counted%n", options.settle.toSeconds());
                return;
            }
            results.firstSync = wire.counts().minus(results.startRead);
            PostgresWire.Counts before = wire.counts();
            Map<String, Long> textsBefore = wire.texts();
            for (int i = 0; i < options.syncs; i++) {
                results.syncMillis.add(c.sync(Duration.ofMinutes(5)));
            }
            results.window = wire.counts().minus(before);
            results.windowTexts = wire.textsSince(textsBefore);
        }
        System.out.printf("fleet: instance C's start read %.1f MB in %d rows (%d statements) from the store%n",
                results.startRead.bytesFromServer() / 1e6, results.startRead.rows(), results.startRead.statements());
        System.out.printf("fleet: instance C's first look at the store after its start took %d ms: %.1f MB in %d rows "
                + "(%d statements)%n", results.firstSyncMillis, results.firstSync.bytesFromServer() / 1e6,
                results.firstSync.rows(), results.firstSync.statements());
        System.out.printf("fleet: per sync with nothing changed (%d syncs, counted at the wire): %s, %d ms (median)%n",
                options.syncs, results.perSync(), median(results.syncMillis));
        results.windowTexts.forEach((text, count) -> System.out.printf("fleet:   %.1f per sync: %s%n",
                count / (double) options.syncs, text.isEmpty() ? "(empty query: the pool's connection check)" : text));
    }

    private InstanceProcess start(String label, String storage, Duration syncInterval) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("storage", storage);
        settings.put("ca", FleetFixture.CA);
        settings.put("agree-tos", "true");
        settings.put("challenge", "http-01");
        settings.put("bind", "127.0.0.1");
        settings.put("https.port", "0");
        settings.put("http.port", "0");
        settings.put("storage.sync-interval", syncInterval.toMillis() % 1000 == 0 ? syncInterval.toSeconds() + "s"
                : syncInterval.toMillis() + "ms");
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + options.xmx, "-Dorg.slf4j.simpleLogger.defaultLogLevel=info"));
        jvm.addAll(options.instanceOptions);
        return InstanceProcess.start(label, settings, jvm, logs.resolve(label + ".log"));
    }

    /**
     * Milliseconds from {@code instance}'s process start until a handshake for {@code name} shows
     * its stored certificate; says too when the server had started, by the instance's clock and by this one.
     */
    private static long untilServed(InstanceProcess instance, String name) throws Exception {
        int port = instance.awaitReady(Duration.ofMinutes(10));
        long ready = (System.nanoTime() - instance.startedNanos()) / 1_000_000;
        long served = new FleetHandshakes(port).untilStored(name, Duration.ofMinutes(2));
        if (served < 0) {
            throw new IllegalStateException("instance on port " + port + " never served the stored certificate of " + name);
        }
        long millis = (served - instance.startedNanos()) / 1_000_000;
        System.out.printf("fleet:   %s: server started after %d ms of JVM uptime, seen at %d ms; %s served at %d ms%n",
                instance, instance.uptimeAtReady(), ready, name, millis);
        return millis;
    }

    private static String loadAverage() throws java.io.IOException {
        Path file = Path.of("/proc/loadavg");
        return Files.isReadable(file) ? String.join(" ", Arrays.copyOf(Files.readString(file).split(" "), 3)) : "unknown";
    }

    private static long last(List<Long> values) {
        return values.get(values.size() - 1);
    }

    /** The lower median; -1 (never) counts as longer than anything. */
    static long median(List<Long> values) {
        long[] sorted = values.stream().mapToLong(v -> v < 0 ? Long.MAX_VALUE : v).sorted().toArray();
        return sorted.length == 0 ? -1 : sorted[(sorted.length - 1) / 2];
    }

    /** What the command line and system properties ask for. */
    record Options(int count, int seconds, int starts, int changes, int firstTime, int syncs, Duration changeWait, Duration settle,
                   String xmx, List<String> instanceOptions, String command) {
        static Options from(String[] args) {
            int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
            if (count < 2) {
                throw new IllegalArgumentException("FleetBench needs at least 2 names (it compares with a store of 1), not " + count);
            }
            int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
            if (Integer.getInteger("fleet.starts", 3) < 1 || seconds < 1) {
                throw new IllegalArgumentException("FleetBench needs fleet.starts and seconds of at least 1, not "
                        + Integer.getInteger("fleet.starts", 3) + " and " + seconds);
            }
            String extra = System.getProperty("fleet.instance-options", "").trim();
            return new Options(count, seconds, Integer.getInteger("fleet.starts", 3), Integer.getInteger("fleet.changes", 20),
                    Integer.getInteger("fleet.first-time", 300), Integer.getInteger("fleet.syncs", 10),
                    duration(System.getProperty("fleet.change-wait", "5s")),
                    duration(System.getProperty("fleet.settle", "300s")),
                    System.getProperty("fleet.xmx", "2g"), extra.isEmpty() ? List.of() : Arrays.asList(extra.split("\\s+")),
                    System.getProperty("bench.command", "java dev.autotls.bench.FleetBench " + count + " " + seconds));
        }

        private static Duration duration(String text) {
            if (text.matches("\\d+ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            if (text.matches("\\d+s")) {
                return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
            }
            throw new IllegalArgumentException("a duration for FleetBench is whole seconds or milliseconds (5s, 500ms), not " + text);
        }
    }
}
