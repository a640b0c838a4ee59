package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.Assembly;
import dev.autotls.testing.Await;
import dev.autotls.testing.ManualScheduler;
import dev.autotls.testing.MutableClock;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.PebbleSites;
import dev.autotls.testing.Ports;
import dev.autotls.testing.Postgres;
import dev.autotls.testing.Site;
import dev.autotls.testing.TlsClient;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 (a), (c), (d): several instances of one site on one real PostgreSQL, against a real
 * Pebble. Each instance is its own AutoTls with its own registry, connectors and pool, as
 * separate processes would be; only the database joins them.
 */
class ClusterIT {

    private static AutoTls.Builder instance(Pebble pebble, Postgres postgres, Path unused, int httpPort, String... names) {
        return PebbleSites.http01(pebble, unused, names).storage(postgres.url()).httpPort(httpPort)
                .set(Setting.STORAGE_SYNC, "1s");
    }

    private static BigInteger servedSerial(TlsClient client, AutoTls instance, String name) {
        try {
            return client.leaf(instance.httpsPort(), name).getSerialNumber();
        } catch (Exception notYetPebbles) {
            return null; // the temporary self-signed one is not trusted by this client
        }
    }

    @Test
    void threeInstancesMakeOneAccountAndOneOrderAndAllServeIt(@TempDir Path unused) throws Exception {
        int validatedPort = Ports.free();
        try (Postgres postgres = Postgres.start(); Pebble pebble = Pebble.start("sid", validatedPort)) {
            TlsClient client = TlsClient.trusting(pebble.roots());
            long started = System.nanoTime();
            List<Site> sites = new ArrayList<>();
            try {
                // C is the only one on the port Pebble asks. Its port is bound now, so Pebble's request waits
                // in the backlog, but C starts only once A holds the lease: C can answer only with what A
                // put into the store
                Site c = Site.installed(instance(pebble, postgres, unused, validatedPort, "c1.test"));
                sites.add(c);
                // A orders: its own HTTP port is not the one Pebble validates against
                sites.add(0, Site.start(instance(pebble, postgres, unused, 0, "c1.test")));
                Await.until("instance A to hold the certificate's lease", Duration.ofSeconds(30),
                        () -> postgres.heldCertificateLeases() == 1);
                c.server.start();
                sites.add(1, Site.start(instance(pebble, postgres, unused, 0, "c1.test")));

                Await.until("all three instances to serve one Pebble certificate", Duration.ofSeconds(60), () -> {
                    Set<BigInteger> serials = sites.stream().map(site -> servedSerial(client, site.autoTls, "c1.test"))
                            .collect(Collectors.toSet());
                    return serials.size() == 1 && !serials.contains(null);
                });
                double seconds = (System.nanoTime() - started) / 1e9;
                assertThat(pebble.accountRequests()).as("accounts registered with the CA").isEqualTo(1);
                assertThat(pebble.orders()).as("orders placed with the CA").isEqualTo(1);
                X509Certificate served = client.leaf(sites.get(2).httpsPort(), "c1.test");
                assertThat(served.getIssuerX500Principal().getName()).contains("Pebble");
                System.out.printf("cluster: 3 instances on one PostgreSQL: %d account, %d order, all serving serial %s "
                                + "%.2f s after the first start%n", pebble.accountRequests(), pebble.orders(),
                        served.getSerialNumber().toString(16), seconds);

                // a certificate another instance stores appears on the others within their sync interval
                List<Long> appearMillis = new ArrayList<>();
                for (int round = 0; round < 5; round++) {
                    appearMillis.add(storedElsewhereAppearsWithin(client, sites, round));
                }
                List<Long> sorted = new ArrayList<>(appearMillis);
                sorted.sort(Long::compare);
                System.out.printf("cluster: stored by one instance -> served by the other two (sync-interval 1s): %s ms, "
                        + "median %d ms%n", appearMillis, sorted.get(2));
            } finally {
                for (Site site : sites) {
                    site.close();
                }
            }
        }
    }

    /** Stores a fresh certificate through instance {@code round % 3}'s store and times its appearance on the others. */
    private static long storedElsewhereAppearsWithin(TlsClient client, List<Site> sites, int round) throws Exception {
        Site writer = sites.get(round % 3);
        dev.autotls.internal.store.CertificateFiles files = new dev.autotls.internal.store.CertificateFiles(writer.autoTls.store(),
                dev.autotls.internal.store.StorageKeys.caFolder(writer.autoTls.getBean(Assembly.class).config().caDirectory()));
        dev.autotls.internal.store.StoredCertificate current = files.load("c1.test").orElseThrow();
        // a newer issue (it lasts longer), as another instance's renewal would store it
        java.security.KeyPair keyPair = dev.autotls.internal.tls.KeyType.EC256.generate();
        X509Certificate leaf = dev.autotls.testing.TestCertificates.selfSigned(List.of("c1.test"), keyPair,
                current.notAfter().plus(Duration.ofDays(round + 1)));
        dev.autotls.internal.store.StoredCertificate newer = new dev.autotls.internal.store.StoredCertificate(List.of("c1.test"), keyPair,
                List.of(leaf), Instant.now());
        assertThat(newer.notAfter()).isAfter(current.notAfter());
        long before = System.nanoTime();
        files.save(newer);
        TlsClient inspecting = TlsClient.inspecting();
        Await.until("the certificate stored through instance " + (round % 3) + " on the others", Duration.ofSeconds(30), () ->
                sites.stream().allMatch(site -> {
                    try {
                        return inspecting.leaf(site.httpsPort(), "c1.test").getSerialNumber().equals(newer.leaf().getSerialNumber());
                    } catch (Exception e) {
                        return false;
                    }
                }));
        return Duration.ofNanos(System.nanoTime() - before).toMillis();
    }

    @Test
    void exactlyOneInstanceRenewsAndTheOthersServeTheRenewedCertificate(@TempDir Path unused) throws Exception {
        try (Postgres postgres = Postgres.start(); Pebble pebble = Pebble.startAlwaysValid("sid")) {
            MutableClock clock = MutableClock.startingNow();
            List<ManualScheduler> schedulers = List.of(new ManualScheduler(clock), new ManualScheduler(clock),
                    new ManualScheduler(clock));
            List<CertificateEvent> renewals = new CopyOnWriteArrayList<>();
            List<Site> sites = new ArrayList<>();
            try {
                for (ManualScheduler scheduler : schedulers) {
                    sites.add(Site.start(instance(pebble, postgres, unused, 0, "renew.test").clock(clock).scheduler(scheduler)
                            .listener(new AutoTlsListener() {
                                @Override
                                public void onRenewed(CertificateEvent event) {
                                    renewals.add(event);
                                }
                            })));
                }
                schedulers.get(0).runDue(); // A obtains the first certificate
                X509Certificate first = sites.get(0).autoTls.servedCertificate("renew.test").orElseThrow();
                schedulers.get(1).runDue();
                schedulers.get(2).runDue();
                for (Site site : sites) {
                    assertThat(site.autoTls.servedCertificate("renew.test").orElseThrow().getSerialNumber())
                            .as("B and C found A's certificate under the lease instead of ordering")
                            .isEqualTo(first.getSerialNumber());
                }
                assertThat(pebble.orders()).isEqualTo(1);

                Instant[] window = pebble.renewalWindow(first);
                clock.set(window[1].plus(Duration.ofMinutes(1)));
                // all three find it due at the same moment, on three threads
                CountDownLatch go = new CountDownLatch(1);
                List<Thread> threads = new ArrayList<>();
                for (ManualScheduler scheduler : schedulers) {
                    Thread thread = new Thread(() -> {
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        scheduler.runDue();
                    });
                    thread.start();
                    threads.add(thread);
                }
                go.countDown();
                for (Thread thread : threads) {
                    thread.join(60_000);
                }
                assertThat(renewals).as("renewals across the three instances").hasSize(1);
                assertThat(pebble.issued()).as("certificates issued").isEqualTo(2);
                BigInteger renewed = renewals.get(0).certificate().getSerialNumber();

                clock.set(clock.instant().plus(Duration.ofSeconds(2))); // one sync interval
                for (ManualScheduler scheduler : schedulers) {
                    scheduler.runDue();
                }
                for (Site site : sites) {
                    assertThat(site.autoTls.servedCertificate("renew.test").orElseThrow().getSerialNumber()).isEqualTo(renewed);
                }
                assertThat(pebble.issued()).as("nobody ordered again").isEqualTo(2);
            } finally {
                for (Site site : sites) {
                    site.close();
                }
            }
        }
    }

    @Test
    void aDatabaseOutageNeverStopsServingAndADueRenewalCompletesWhenItIsBack(@TempDir Path unused) throws Exception {
        try (Postgres postgres = Postgres.start(); Pebble pebble = Pebble.startAlwaysValid("sid")) {
            MutableClock clock = MutableClock.startingNow();
            ManualScheduler schedulerA = new ManualScheduler(clock);
            ManualScheduler schedulerB = new ManualScheduler(clock);
            List<CertificateEvent> renewals = new CopyOnWriteArrayList<>();
            try (Site a = Site.start(instance(pebble, postgres, unused, 0, "outage.test").clock(clock).scheduler(schedulerA)
                    .listener(new AutoTlsListener() {
                        @Override
                        public void onRenewed(CertificateEvent event) {
                            renewals.add(event);
                        }
                    }));
                 Site b = Site.start(instance(pebble, postgres, unused, 0, "outage.test").clock(clock).scheduler(schedulerB))) {
                schedulerA.runDue();
                schedulerB.runDue();
                TlsClient client = TlsClient.trusting(pebble.roots());
                X509Certificate first = client.leaf(b.httpsPort(), "outage.test");

                postgres.stop();
                Instant[] window = pebble.renewalWindow(first);
                clock.set(window[1].plus(Duration.ofMinutes(1)));
                schedulerA.runDue(); // due, but no lease without the database: no order
                schedulerB.runDue();
                for (Site site : List.of(a, b)) {
                    assertThat(client.leaf(site.httpsPort(), "outage.test").getSerialNumber())
                            .as("still served while the database is down").isEqualTo(first.getSerialNumber());
                }
                assertThat(pebble.orders()).isEqualTo(1);

                postgres.restart();
                clock.set(clock.instant().plus(Duration.ofMinutes(2))); // past the storage back-off (at most a minute)
                schedulerA.runDue();
                schedulerB.runDue();
                clock.set(clock.instant().plus(Duration.ofSeconds(2)));
                schedulerA.runDue();
                schedulerB.runDue();
                assertThat(renewals).as("the renewal due during the outage").hasSize(1);
                assertThat(pebble.issued()).isEqualTo(2);
                BigInteger renewed = renewals.get(0).certificate().getSerialNumber();
                assertThat(renewed).isNotEqualTo(first.getSerialNumber());
                for (Site site : List.of(a, b)) {
                    assertThat(client.leaf(site.httpsPort(), "outage.test").getSerialNumber()).isEqualTo(renewed);
                }
            }
        }
    }
}
