package dev.autotls.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The figures of one {@link FleetBench} run, and what is made of them: the lines printed, the
 * issue's targets checked, and the rows of BENCHMARKS.md's fragments {@code fleet.md} (start,
 * memory, handshakes), {@code fleet-store.md} (the store's side) and {@code fleet-targets.md}.
 */
final class FleetResults {
    private final FleetBench.Options options;
    final List<Long> startOne = new ArrayList<>();
    final List<Long> startMany = new ArrayList<>();
    long heapStarted;
    long heapAfterHandshakes;
    HandshakeProbe.Latencies hot;
    HandshakeProbe.Latencies firstTime;
    double ratePerSecondOne;
    double ratePerSecondSpread;
    long reused;
    final List<Long> changeMillis = new ArrayList<>();
    PostgresWire.Counts startRead;
    PostgresWire.Counts window;
    final List<Long> syncMillis = new ArrayList<>();
    long firstSyncMillis;
    PostgresWire.Counts firstSync;
    java.util.Map<String, Long> windowTexts;

    FleetResults(FleetBench.Options options) {
        this.options = options;
    }

    String perSync() {
        if (window == null) {
            return "not counted";
        }
        return bytes(perSync(window.bytesToServer())) + " to the store, " + bytes(perSync(window.bytesFromServer())) + " from it, "
                + number(perSync(window.statements())) + " statements, " + number(perSync(window.rows())) + " rows";
    }

    /** 412 B, 58.9 kB, 1.2 MB. */
    private static String bytes(double bytes) {
        if (bytes < 10_000) {
            return String.format("%.0f B", bytes);
        }
        return bytes < 10_000_000 ? String.format("%.1f kB", bytes / 1e3) : String.format("%.1f MB", bytes / 1e6);
    }

    /** A count per sync: whole when it is, else with one decimal. */
    private static String number(double value) {
        return Math.abs(value - Math.rint(value)) < 0.05 ? String.format("%.0f", value) : String.format("%.1f", value);
    }

    private double perSync(long total) {
        return total / (double) syncMillis.size();
    }

    /** Prints the summary and the targets, and writes the fragments. */
    void print() {
        int count = options.count();
        long one = FleetBench.median(startOne);
        long many = FleetBench.median(startMany);
        double ratio = many / (double) one;
        long served = changeMillis.stream().filter(m -> m >= 0).count();
        long changeMedian = FleetBench.median(changeMillis);
        String change = changeMillis.isEmpty() ? "-" : changeMedian == Long.MAX_VALUE
                ? "> " + options.changeWait().toMillis() + " ms" : changeMedian + " ms";
        long changeMax = changeMillis.stream().mapToLong(m -> m < 0 ? Long.MAX_VALUE : m).max().orElse(-1);
        String command = options.command();
        System.out.printf("fleet: %d names: start to a stored name served %d ms (median of %d), 1 name %d ms, ratio %.2f (%s)%n",
                count, many, startMany.size(), one, ratio, command);
        System.out.printf("fleet: %d names: heap after full GC %.0f MB after start, %.0f MB after the handshakes (%s)%n", count,
                heapStarted / 1e6, heapAfterHandshakes / 1e6, command);
        System.out.printf("fleet: %d names: first-time handshake p50 %.1f ms, one name p50 %.1f ms; handshakes/s spread %.0f, "
                + "one name %.0f (%s)%n", count, firstTime.p50(), hot.p50(), ratePerSecondSpread, ratePerSecondOne, command);
        System.out.printf("fleet: %d names: per sync with nothing changed: %s (%s)%n", count, perSync(), command);
        System.out.printf("fleet: %d names: a change by A served by B: median %s, %d of %d served within %d ms (%s)%n", count,
                change, served, changeMillis.size(), options.changeWait().toMillis(), command);

        if (!BenchSupport.hasFragment("fleet.md")) {
            BenchSupport.report("fleet.md", "Command: `" + command + "`; " + startMany.size()
                            + (startMany.size() == 1 ? " start" : " starts") + " of each, alternating; "
                    + options.firstTime() + " handshakes of each kind for the latencies, in turn; " + options.seconds()
                    + " s per rate, 2 client threads.", "",
                    "| Names stored | Process start to a stored name served | Same, 1 name stored | Ratio "
                            + "| Heap after full GC: started / after handshakes "
                            + "| Handshakes/s: first-time names spread over all / one name "
                            + "| Handshake p50 (p90): first-time name / one name |",
                    "|---|---|---|---|---|---|---|");
            FleetBench.TODAY.forEach((names, today) -> BenchSupport.report("fleet-today.md", "Before lazy loading (the library at "
                    + "9625f7c, " + today.measured() + ", `bash scripts/bench-fleet.sh " + names + "`), " + names + " names: "
                    + today.figures() + "."));
            BenchSupport.report("fleet-store.md", "| Names stored | A start reads | The first look at the store after a start "
                            + "| Per sync, nothing changed: bytes to / from the store | Statements per sync | Rows per sync "
                            + "| A change by A served by B: median (max), served |",
                    "|---|---|---|---|---|---|---|");
        }
        BenchSupport.report("fleet.md", String.format(
                "| %d | %d ms | %d ms | %.2f | %.0f MB / %.0f MB | %.0f / %.0f | %.1f (%.1f) ms / %.1f (%.1f) ms |", count, many, one, ratio, heapStarted / 1e6, heapAfterHandshakes / 1e6, ratePerSecondSpread, ratePerSecondOne,
                firstTime.p50(), firstTime.p90(), hot.p50(), hot.p90()));
        String firstLook = (firstSyncMillis < 0 ? "over " + options.settle().toSeconds() + " s" : firstSyncMillis + " ms")
                + String.format(", %.1f MB, %d rows", firstSync.bytesFromServer() / 1e6, firstSync.rows());
        String syncs = window == null ? "not counted | - | -" : bytes(perSync(window.bytesToServer())) + " / "
                + bytes(perSync(window.bytesFromServer())) + " | " + number(perSync(window.statements())) + " | "
                + number(perSync(window.rows()));
        BenchSupport.report("fleet-store.md", String.format("| %d | %.1f MB, %d rows | %s | %s | %s (%s), %d of %d |",
                count, startRead.bytesFromServer() / 1e6, startRead.rows(), firstLook, syncs, change,
                changeMax == Long.MAX_VALUE ? "never" : changeMax + " ms", served, changeMillis.size()));

        String of = count + " names";
        List<String> targets = new ArrayList<>();
        targets.add(BenchSupport.target("process start to a stored name served, " + of + " / 1 name (" + many + " ms / " + one
                + " ms)", String.format("%.2f", ratio), "<= 1.2", ratio <= 1.2));
        targets.add(BenchSupport.target("heap after full GC after start, " + of + ", MB", String.format("%.0f", heapStarted / 1e6),
                "<= 200", heapStarted <= 200_000_000L));
        targets.add(BenchSupport.target("heap after full GC after the handshakes, " + of + ", MB",
                String.format("%.0f", heapAfterHandshakes / 1e6), "<= 200", heapAfterHandshakes <= 200_000_000L));
        targets.add(BenchSupport.target("handshake for a name not in memory, median, " + of + ", ms",
                String.format("%.1f", firstTime.p50()), "<= 20", firstTime.handshakes() > 0 && firstTime.p50() <= 20));
        targets.add(BenchSupport.target("handshakes for names not in memory that failed or showed no stored certificate, " + of,
                firstTime.failures() + " of " + (firstTime.handshakes() + firstTime.failures()), "= 0", firstTime.failures() == 0));
        if (!changeMillis.isEmpty()) {
            targets.add(BenchSupport.target("a certificate stored by one instance served by another, median, " + of + ", ms", change,
                    "<= 1000", changeMedian <= 1000));
        }
        FleetBench.Today today = FleetBench.TODAY.get(count);
        if (today != null) {
            long startLimit = Math.round(today.startMillis() * 1.1);
            long heapLimit = Math.round(today.heapMb() * 1.1);
            targets.add(BenchSupport.target(of + " no slower than today: start to a stored name served, ms (today " + today.startMillis()
                    + " ms, +10% for noise)", Long.toString(many), "<= " + startLimit, many <= startLimit));
            targets.add(BenchSupport.target(of + " no bigger than today: heap after start, MB (today " + today.heapMb()
                    + " MB, +10% for noise)", String.format("%.0f", heapStarted / 1e6), "<= " + heapLimit, heapStarted / 1e6 <= heapLimit));
        }
        BenchSupport.report("fleet-targets.md", targets.toArray(new String[0]));
    }
}
