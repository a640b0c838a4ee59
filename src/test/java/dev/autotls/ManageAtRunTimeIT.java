package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.Await;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.PebbleSites;
import dev.autotls.testing.Postgres;
import dev.autotls.testing.RoundRobinForwarder;
import dev.autotls.testing.Site;
import dev.autotls.testing.TlsClient;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24 (a): three instances of one site on one real PostgreSQL, behind a round-robin
 * forwarder in front of their http-01 ports as a load balancer would be, against a real Pebble
 * that validates through the forwarder. A name managed on one instance is served by all three
 * from one order; unmanaged on another, it stops being served everywhere; managed again, it is
 * served from the store with no order. Also measures manage -> served (median of 5).
 */
class ManageAtRunTimeIT {
    private static final Duration SYNC = Duration.ofSeconds(1);
    /** How long the other instances may take to serve a name managed on one (measured and printed; typically about SYNC). */
    private static final Duration OTHERS_DEADLINE = Duration.ofSeconds(30);

    @Test
    void aNameManagedOnOneInstanceIsServedByAllFromOneOrderAndUnmanagedEverywhere(@TempDir Path unused) throws Exception {
        try (Postgres postgres = Postgres.start(); RoundRobinForwarder balancer = RoundRobinForwarder.start();
             Pebble pebble = Pebble.start("sid", balancer.port())) {
            TlsClient client = TlsClient.trusting(pebble.roots());
            List<Site> sites = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    sites.add(Site.start(PebbleSites.http01(pebble, unused, "base.test").storage(postgres.url()).httpPort(0)
                            .set(Setting.STORAGE_SYNC, SYNC.toSeconds() + "s")));
                }
                balancer.targets(sites.stream().map(site -> site.autoTls.httpPort()).toList());
                Await.until("all three to serve base.test from Pebble", Duration.ofSeconds(60),
                        () -> sameSerialEverywhere(client, sites, "base.test") != null);

                long before = pebble.orders();
                List<Long> callingMillis = new ArrayList<>();
                List<Long> othersMillis = new ArrayList<>();
                BigInteger serial = manageAndTime(client, sites, 0, "new.test", callingMillis, othersMillis);
                assertThat(pebble.orders() - before).as("orders for new.test across the three instances").isEqualTo(1);
                assertThat(pebble.issued()).as("base.test and new.test").isEqualTo(2);

                // unmanaged on another instance: no instance serves it any more
                sites.get(1).autoTls.unmanage("new.test").toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertThat(sites.get(1).autoTls.servedCertificate("new.test")).as("at once where it was unmanaged").isEmpty();
                Await.until("no instance to serve new.test", SYNC.multipliedBy(5), () -> sites.stream()
                        .allMatch(site -> site.autoTls.servedCertificate("new.test").isEmpty()
                                && !Objects.equals(inspectedSerial(site, "new.test"), serial)));
                assertThat(sites).allSatisfy(site -> assertThat(site.autoTls.managedNames()).containsExactly("base.test"));

                // managed again on the third: what the store still holds is served, with no order
                long ordersBeforeAgain = pebble.orders();
                sites.get(2).autoTls.manage("new.test").toCompletableFuture().get(10, TimeUnit.SECONDS);
                Await.until("all three to serve new.test again", SYNC.multipliedBy(5),
                        () -> serial.equals(sameSerialEverywhere(client, sites, "new.test")));
                assertThat(pebble.orders()).as("no order for a certificate the store still holds").isEqualTo(ordersBeforeAgain);

                for (int round = 1; round < 5; round++) { // four more names for the medians
                    long ordersBeforeRound = pebble.orders();
                    manageAndTime(client, sites, round % 3, "new" + round + ".test", callingMillis, othersMillis);
                    assertThat(pebble.orders() - ordersBeforeRound).as("one order for new%d.test", round).isEqualTo(1);
                }
                System.out.printf("manage -> served (sync-interval %d s, 3 instances on one PostgreSQL, Pebble without sleep): "
                                + "calling instance %s ms, median %d ms; the other two %s ms, median %d ms; http-01 connections "
                                + "per instance through the round-robin forwarder %s%n", SYNC.toSeconds(), callingMillis,
                        median(callingMillis), othersMillis, median(othersMillis), balancer.connectionsPerTarget());
                assertThat(balancer.connectionsPerTarget()).as("Pebble's requests reached more than one instance")
                        .filteredOn(count -> count > 0).hasSizeGreaterThan(1);
            } finally {
                for (Site site : sites) {
                    site.close();
                }
            }
        }
    }

    /**
     * Manages {@code name} on instance {@code caller}, waits for its stage and for every instance to
     * serve one Pebble certificate for it, and records both times; that certificate's serial.
     */
    private static BigInteger manageAndTime(TlsClient client, List<Site> sites, int caller, String name, List<Long> callingMillis,
                                            List<Long> othersMillis) throws Exception {
        long started = System.nanoTime();
        CompletableFuture<List<CertificateStatus>> stage = sites.get(caller).autoTls.manage(name).toCompletableFuture();
        assertThat(stage.get(60, TimeUnit.SECONDS)).singleElement()
                .satisfies(status -> assertThat(status.origins()).containsEntry(name, CertificateStatus.Origin.MANAGED));
        Await.until(name + " served by the calling instance", Duration.ofSeconds(5),
                () -> servedSerial(client, sites.get(caller), name) != null);
        long calling = millisSince(started);
        // a generous deadline: on a loaded 2-core machine a 3 s bound failed now and then while nothing was wrong; the time
        // it took is measured and reported (the medians below), not asserted tightly
        Await.until(name + " served by all three", OTHERS_DEADLINE, () -> sameSerialEverywhere(client, sites, name) != null);
        long others = millisSince(started);
        callingMillis.add(calling);
        othersMillis.add(others);
        return sameSerialEverywhere(client, sites, name);
    }

    /** The serial all instances serve for {@code name} when it is one Pebble certificate, else null. */
    private static BigInteger sameSerialEverywhere(TlsClient client, List<Site> sites, String name) {
        BigInteger first = servedSerial(client, sites.get(0), name);
        if (first == null) {
            return null;
        }
        for (Site site : sites.subList(1, sites.size())) {
            if (!first.equals(servedSerial(client, site, name))) {
                return null;
            }
        }
        return first;
    }

    private static BigInteger servedSerial(TlsClient client, Site site, String name) {
        try {
            return client.leaf(site.httpsPort(), name).getSerialNumber();
        } catch (Exception notPebbles) {
            return null; // the temporary self-signed one (or none) is not trusted by this client
        }
    }

    private static BigInteger inspectedSerial(Site site, String name) {
        try {
            return TlsClient.inspecting().leaf(site.httpsPort(), name).getSerialNumber();
        } catch (Exception refused) {
            return null;
        }
    }

    private static long millisSince(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos).toMillis();
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(Long::compare);
        return sorted.get(sorted.size() / 2);
    }
}
