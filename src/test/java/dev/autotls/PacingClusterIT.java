package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.Await;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.PebbleSites;
import dev.autotls.testing.SharedPostgres;
import dev.autotls.testing.Site;
import java.util.HashMap;
import java.math.BigInteger;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 25 (b): two instances sharing one PostgreSQL store pace their new orders together through
 * the account's queue, with {@code autotls.ca.order-limit=10/20s}, against a real Pebble 2.4 (it
 * offers no ARI, so renewals are not exempt: they take slots, and go first). Five certificates due
 * for renewal (obtained first, then looked at with a clock two thirds into their lifetime) and 30
 * new names: the renewals are ordered before any new name, the new names at the limit's pace for
 * both instances together, as Pebble's log times show, and no name is ordered twice.
 */
class PacingClusterIT {
    @RegisterExtension
    static final SharedPostgres POSTGRES = new SharedPostgres();

    private static final Pattern ORDER = Pattern.compile("^Pebble (\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2}) POST /order-plz ");

    /** An {@link AutoTlsListener} that notes when each name was obtained or renewed, by the wall clock. */
    private static final class Times implements AutoTlsListener {
        final Map<String, List<Instant>> renewed = new ConcurrentHashMap<>();
        final Map<String, List<Instant>> obtained = new ConcurrentHashMap<>();

        @Override
        public void onObtained(CertificateEvent event) {
            obtained.computeIfAbsent(event.names().get(0), n -> new CopyOnWriteArrayList<>()).add(Instant.now());
        }

        @Override
        public void onRenewed(CertificateEvent event) {
            renewed.computeIfAbsent(event.names().get(0), n -> new CopyOnWriteArrayList<>()).add(Instant.now());
        }
    }

    private static AutoTls.Builder instance(Pebble pebble, Path unused, List<String> names) {
        return PebbleSites.http01(pebble, unused, names.toArray(new String[0])).storage(POSTGRES.postgres().url()).httpPort(0)
                .set(Setting.STORAGE_SYNC, "1s");
    }

    private static boolean fromPebble(Site site, String name) {
        return site.autoTls.servedCertificate(name).map(c -> c.getIssuerX500Principal().getName().contains("Pebble")).orElse(false);
    }

    @Test
    void twoInstancesOrderTheRenewalsFirstAndTheNewNamesAtTheLimitsPaceTogether(@TempDir Path unused) throws Exception {
        List<String> renewals = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            renewals.add("r" + i + ".renew.test");
        }
        List<String> fresh = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            fresh.add("n" + i + ".pace.test");
        }
        try (Pebble pebble = Pebble.startAlwaysValid("bookworm")) {
            X509Certificate stored;
            Map<String, BigInteger> before = new HashMap<>(); // by serial: a renewal in the same second has the same notAfter
            try (Site first = Site.start(instance(pebble, unused, renewals))) {
                Await.until("the five certificates to renew later", Duration.ofSeconds(60),
                        () -> renewals.stream().allMatch(name -> fromPebble(first, name)));
                stored = first.autoTls.servedCertificate(renewals.get(0)).orElseThrow();
                for (String name : renewals) {
                    before.put(name, first.autoTls.servedCertificate(name).orElseThrow().getSerialNumber());
                }
            }
            int ordersBefore = orderTimes(pebble).size();
            long issuedBefore = pebble.issued();
            // both instances look with a clock a day past the last third's start: the five are due, not expired
            Instant notBefore = stored.getNotBefore().toInstant();
            Instant notAfter = stored.getNotAfter().toInstant();
            Instant due = notAfter.minus(Duration.between(notBefore, notAfter).dividedBy(3)).plus(Duration.ofDays(1));
            Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), due));

            List<String> all = new ArrayList<>(fresh.subList(0, 15));
            all.addAll(renewals); // in the middle of the list: the queue, not the order of the names, puts them first
            all.addAll(fresh.subList(15, 30));
            Times times = new Times();
            long started = System.nanoTime();
            try (Site a = Site.start(instance(pebble, unused, all).set(Setting.CA_ORDER_LIMIT, "10/20s").clock(clock)
                    .listener(times));
                 Site b = Site.start(instance(pebble, unused, all).set(Setting.CA_ORDER_LIMIT, "10/20s").clock(clock)
                         .listener(times))) {
                Await.until("the 30 new names from Pebble on both instances", Duration.ofSeconds(150),
                        () -> fresh.stream().allMatch(name -> fromPebble(a, name) && fromPebble(b, name)));
                Await.until("all five renewed on both instances", Duration.ofSeconds(30), () -> renewals.stream().allMatch(
                        name -> !a.autoTls.servedCertificate(name).orElseThrow().getSerialNumber().equals(before.get(name))
                                && !b.autoTls.servedCertificate(name).orElseThrow().getSerialNumber().equals(before.get(name))));
                double seconds = (System.nanoTime() - started) / 1e9;

                List<LocalDateTime> orders = orderTimes(pebble).subList(ordersBefore, orderTimes(pebble).size());
                assertThat(orders).as("new-order requests Pebble logged: one per certificate").hasSize(35);
                assertThat(pebble.issued() - issuedBefore).as("certificates Pebble issued: none twice").isEqualTo(35);
                assertThat(times.renewed.keySet()).containsExactlyInAnyOrderElementsOf(renewals);
                assertThat(times.obtained.keySet()).containsExactlyInAnyOrderElementsOf(fresh);
                assertThat(times.renewed.values()).as("each renewed once, by one instance").allMatch(t -> t.size() == 1);
                assertThat(times.obtained.values()).as("each obtained once, by one instance").allMatch(t -> t.size() == 1);

                // the pace, from Pebble's log (whole seconds): any 11 orders span at least the window, less a second of rounding
                List<Long> gaps = new ArrayList<>();
                for (int i = 0; i + 10 < orders.size(); i++) {
                    gaps.add(Duration.between(orders.get(i), orders.get(i + 10)).toSeconds());
                }
                assertThat(gaps).as("seconds between each order and the tenth after it").allMatch(gap -> gap >= 19);
                assertThat(Duration.between(orders.get(0), orders.get(34)).toSeconds()).as("35 orders at 10/20s take 60 s")
                        .isBetween(59L, 90L);

                // the renewals first: each was done before the first new name that had to wait for a second window
                Instant lastRenewal = times.renewed.values().stream().flatMap(List::stream).max(Instant::compareTo).orElseThrow();
                List<Instant> newNames = times.obtained.values().stream().flatMap(List::stream).sorted().toList();
                assertThat(lastRenewal).as("the last renewal before the sixth new name (the first of the second window)")
                        .isBefore(newNames.get(5));
                System.out.printf("pacing: 2 instances, limit 10/20s: 5 renewals and 30 new names ordered in %.1f s; Pebble's "
                                + "order times (s from the first): %s%n", seconds,
                        orders.stream().map(t -> Duration.between(orders.get(0), t).toSeconds()).toList());
            }
        }
    }

    /** The times of Pebble's new-order requests, in log order (whole seconds, Pebble's local time). */
    private static List<LocalDateTime> orderTimes(Pebble pebble) throws IOException {
        DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss");
        List<LocalDateTime> found = new ArrayList<>();
        for (String text : pebble.log().lines().toList()) {
            Matcher matcher = ORDER.matcher(text);
            if (matcher.find()) {
                found.add(LocalDateTime.parse(matcher.group(1), format));
            }
        }
        return found;
    }
}
