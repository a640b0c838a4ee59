package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.AskServer;
import dev.autotls.testing.Await;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.PebbleSites;
import dev.autotls.testing.Ports;
import dev.autotls.testing.Site;
import dev.autotls.testing.TlsClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24 (c): abuse of on demand against a real Pebble and an ask endpoint. A thousand handshakes
 * with random server names against a refusing check place no order and ask once per name; thirty
 * allowed names asked for at once are ordered at the order limit's pace (read from Pebble's log),
 * none twice; a configured name keeps being served throughout, with no failed handshake.
 */
class OnDemandAbuseIT {
    private static final int RANDOM_NAMES = 1_000;
    private static final int BURST = 30;
    private static final Duration WINDOW = Duration.ofSeconds(20);
    private static final int PER_WINDOW = 10;
    /** Pebble logs whole seconds, so two orders a window apart may show one second less apart. */
    private static final long LOG_ROUNDING_SECONDS = 1;

    @Test
    void randomNamesPlaceNoOrderAndAllowedOnesAreOrderedAtTheLimitsPaceWhileManagedNamesKeepBeingServed(@TempDir Path storage)
            throws Exception {
        try (AskServer ask = AskServer.start(); Pebble pebble = Pebble.start("sid", Ports.free())) {
            TlsClient trusting = TlsClient.trusting(pebble.roots());
            try (Site site = Site.start(PebbleSites.http01(pebble, storage, "base.test")
                    .set(Setting.ON_DEMAND, "true").set(Setting.ON_DEMAND_ASK, ask.url().toString())
                    .set(Setting.ON_DEMAND_CHECKS_PER_CLIENT, (RANDOM_NAMES * 3) + "/1m")
                    .set(Setting.ON_DEMAND_ORDER_LIMIT, PER_WINDOW + "/" + WINDOW.toSeconds() + "s"))) {
                int port = site.httpsPort();
                Await.until("base.test served from Pebble", Duration.ofSeconds(60), () -> served(trusting, port, "base.test"));
                ManagedNameProbe probe = new ManagedNameProbe(trusting, port);
                Thread prober = new Thread(probe, "managed-name-probe");
                prober.start();
                ExecutorService clients = Executors.newFixedThreadPool(BURST);
                try {
                    // 1. a thousand random names against a refusing check
                    long ordersBefore = pebble.orders();
                    Random random = new Random(24);
                    List<String> names = new ArrayList<>();
                    for (int i = 0; i < RANDOM_NAMES; i++) {
                        byte[] label = new byte[8];
                        random.nextBytes(label);
                        names.add("r" + HexFormat.of().formatHex(label) + ".test");
                    }
                    List<String> repeated = new ArrayList<>(names);
                    repeated.addAll(names.subList(0, 100)); // the first hundred again: their refusal is cached
                    long failedHandshakes = handshakes(clients, port, repeated, 16);
                    assertThat(failedHandshakes).as("handshakes for refused names that failed").isEqualTo(repeated.size());
                    Map<String, Long> askedPerName = ask.asked().stream()
                            .collect(Collectors.groupingBy(q -> q.get("domain"), Collectors.counting()));
                    assertThat(askedPerName.values()).as("checks per name").allMatch(count -> count == 1);
                    assertThat(askedPerName).as("every random name asked about once").hasSize(RANDOM_NAMES);
                    assertThat(pebble.orders()).as("orders for refused names").isEqualTo(ordersBefore);

                    // 2. thirty allowed names at once, at order-limit 10/20s
                    ask.allowAll();
                    int logLinesBefore = orderTimes(pebble).size();
                    long issuedBefore = pebble.issued();
                    List<String> burst = new ArrayList<>();
                    for (int i = 1; i <= BURST; i++) {
                        burst.add("burst" + i + ".test");
                    }
                    long burstStarted = System.nanoTime();
                    handshakes(clients, port, burst, BURST); // most give up after autotls.on-demand.wait: their names stay queued
                    Await.until("all " + BURST + " names served from Pebble", WINDOW.multipliedBy(BURST / PER_WINDOW + 2),
                            () -> burst.stream().allMatch(name -> site.autoTls.status().stream().anyMatch(s -> s.names().contains(name)
                                    && s.source() == CertificateStatus.Source.CA)));
                    long burstSeconds = Duration.ofNanos(System.nanoTime() - burstStarted).toSeconds();
                    List<LocalDateTime> times = orderTimes(pebble);
                    List<LocalDateTime> burstOrders = times.subList(logLinesBefore, times.size());
                    assertThat(burstOrders).as("one order per allowed name, none twice").hasSize(BURST);
                    assertThat(pebble.issued() - issuedBefore).as("certificates issued for the burst").isEqualTo(BURST);
                    List<Long> offsets = new ArrayList<>();
                    for (LocalDateTime at : burstOrders) {
                        offsets.add(Duration.between(burstOrders.get(0), at).toSeconds());
                    }
                    // a sliding window, as the limit is one: any PER_WINDOW + 1 orders in a row span at least the window
                    // (less the second Pebble's whole-second log times may lose)
                    for (int k = 0; k + PER_WINDOW < offsets.size(); k++) {
                        assertThat(offsets.get(k + PER_WINDOW) - offsets.get(k))
                                .as("orders %d and %d of the burst, seconds apart (orders at %s)", k + 1, k + 1 + PER_WINDOW, offsets)
                                .isGreaterThanOrEqualTo(WINDOW.toSeconds() - LOG_ROUNDING_SECONDS);
                    }
                    assertThat(site.autoTls.managedNames()).containsAll(burst);
                    probe.stop();
                    prober.join(20_000);
                    System.out.printf("on-demand abuse: %d handshakes for %d random names against a refusing check placed %d "
                                    + "orders and asked the check %d times (%d names, at most %d per name); %d allowed names at "
                                    + "order-limit %d/%ds: %d orders at seconds %s after the first, all served %d s after the burst; "
                                    + "handshakes for the managed base.test meanwhile: %d, failed %d%n",
                            repeated.size(), RANDOM_NAMES, pebble.orders() - ordersBefore - BURST, askedPerName.values().stream()
                                    .mapToLong(Long::longValue).sum(), askedPerName.size(),
                            askedPerName.values().stream().mapToLong(Long::longValue).max().orElse(0), BURST, PER_WINDOW,
                            WINDOW.toSeconds(), burstOrders.size(), offsets, burstSeconds, probe.succeeded.get(), probe.failed.get());
                    assertThat(probe.failed.get()).as("failed handshakes for the managed base.test (%s)", probe.lastFailure)
                            .isZero();
                    assertThat(probe.succeeded.get()).as("handshakes for base.test during the test").isPositive();
                } finally {
                    probe.stop();
                    clients.shutdownNow();
                }
            }
        }
    }

    /** One handshake per name, {@code parallel} at a time, each with its own connection; how many failed. */
    private static long handshakes(ExecutorService clients, int port, List<String> names, int parallel) throws Exception {
        TlsClient inspecting = TlsClient.inspecting();
        AtomicLong failed = new AtomicLong();
        List<Future<?>> running = new ArrayList<>();
        for (int from = 0; from < parallel; from++) {
            int start = from;
            running.add(clients.submit(() -> {
                for (int i = start; i < names.size(); i += parallel) {
                    try {
                        inspecting.leaf(port, names.get(i));
                    } catch (Exception refused) {
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        for (Future<?> one : running) {
            one.get(10, TimeUnit.MINUTES);
        }
        return failed.get();
    }

    private static boolean served(TlsClient client, int port, String name) {
        try {
            client.leaf(port, name);
            return true;
        } catch (Exception notYet) {
            return false;
        }
    }

    /** The times of Pebble's new-order requests, in log order (whole seconds, Pebble's local time). */
    private static List<LocalDateTime> orderTimes(Pebble pebble) throws IOException {
        Pattern line = Pattern.compile("^Pebble (\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2}) POST /order-plz ");
        DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss");
        List<LocalDateTime> times = new ArrayList<>();
        for (String text : pebble.log().lines().toList()) {
            Matcher matcher = line.matcher(text);
            if (matcher.find()) {
                times.add(LocalDateTime.parse(matcher.group(1), format));
            }
        }
        return times;
    }

    /** Handshakes for the managed base.test, trusting only Pebble, one after another until stopped; counts both outcomes. */
    private static final class ManagedNameProbe implements Runnable {
        private final TlsClient client;
        private final int port;
        private final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong succeeded = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        volatile Exception lastFailure;

        ManagedNameProbe(TlsClient client, int port) {
            this.client = client;
            this.port = port;
        }

        void stop() {
            running.set(false);
        }

        @Override
        public void run() {
            while (running.get()) {
                try {
                    client.leaf(port, "base.test");
                    succeeded.incrementAndGet();
                } catch (Exception e) {
                    failed.incrementAndGet();
                    lastFailure = e;
                }
            }
        }
    }
}
