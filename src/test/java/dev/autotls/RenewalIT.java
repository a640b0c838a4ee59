package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.ManualScheduler;
import dev.autotls.testing.MutableClock;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.PebbleSites;
import dev.autotls.testing.Ports;
import dev.autotls.testing.Site;
import dev.autotls.testing.TlsClient;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 2 (d): renewal when the ARI window opens (Pebble 2.10) or a third of the lifetime is left (Pebble 2.4). */
class RenewalIT {

    @Test
    void renewsWhenAriWindowOpensAndServesOldCertificateMeanwhile(@TempDir Path storage) throws Exception {
        try (Pebble pebble = Pebble.start("sid", Ports.free())) {
            MutableClock clock = MutableClock.startingNow();
            ManualScheduler scheduler = new ManualScheduler(clock);
            List<CertificateEvent> renewed = new CopyOnWriteArrayList<>();
            try (Site site = Site.start(PebbleSites.http01(pebble, storage, "renew.test").clock(clock).scheduler(scheduler)
                    .listener(new AutoTlsListener() {
                        @Override
                        public void onRenewed(CertificateEvent event) {
                            renewed.add(event);
                        }
                    }))) {
                scheduler.runDue();
                X509Certificate old = site.autoTls.servedCertificate("renew.test").orElseThrow();
                Instant[] window = pebble.renewalWindow(old);
                long ordersBefore = pebble.orders();
                long issuedBefore = pebble.issued();

                clock.set(window[0].minus(Duration.ofHours(1)));
                scheduler.runDue();
                assertThat(site.autoTls.servedCertificate("renew.test").orElseThrow().getSerialNumber())
                        .as("not renewed before the window").isEqualTo(old.getSerialNumber());
                assertThat(pebble.orders()).isEqualTo(ordersBefore);

                clock.set(window[1].plus(Duration.ofMinutes(1)));
                Set<BigInteger> seenDuringRenewal = ConcurrentHashMap.newKeySet();
                AtomicInteger failedHandshakes = new AtomicInteger();
                AtomicBoolean renewing = new AtomicBoolean(true);
                TlsClient client = TlsClient.trusting(pebble.roots());
                Thread watcher = new Thread(() -> {
                    while (renewing.get()) {
                        try {
                            seenDuringRenewal.add(client.leaf(site.httpsPort(), "renew.test").getSerialNumber());
                        } catch (Exception e) {
                            failedHandshakes.incrementAndGet();
                        }
                    }
                });
                watcher.start();
                scheduler.runDue();
                renewing.set(false);
                watcher.join();

                X509Certificate fresh = site.autoTls.servedCertificate("renew.test").orElseThrow();
                assertThat(fresh.getSerialNumber()).isNotEqualTo(old.getSerialNumber());
                assertThat(client.leaf(site.httpsPort(), "renew.test").getSerialNumber()).isEqualTo(fresh.getSerialNumber());
                assertThat(renewed).hasSize(1);
                assertThat(pebble.issued()).as("certificates issued by the renewal").isEqualTo(issuedBefore + 1);
                assertThat(failedHandshakes.get()).isZero();
                assertThat(seenDuringRenewal).contains(old.getSerialNumber())
                        .isSubsetOf(Set.of(old.getSerialNumber(), fresh.getSerialNumber()));
            }
        }
    }

    @Test
    void renewsWhenAThirdOfTheLifetimeIsLeftWithoutAri(@TempDir Path storage) throws Exception {
        try (Pebble pebble = Pebble.start("bookworm", Ports.free())) {
            MutableClock clock = MutableClock.startingNow();
            ManualScheduler scheduler = new ManualScheduler(clock);
            try (Site site = Site.start(PebbleSites.http01(pebble, storage, "lifetime.test").clock(clock).scheduler(scheduler))) {
                scheduler.runDue();
                X509Certificate old = site.autoTls.servedCertificate("lifetime.test").orElseThrow();
                Duration lifetime = Duration.between(old.getNotBefore().toInstant(), old.getNotAfter().toInstant());
                Instant twoThirds = old.getNotAfter().toInstant().minus(lifetime.dividedBy(3));

                clock.set(twoThirds.minus(lifetime.dividedBy(50)));
                scheduler.runDue();
                assertThat(site.autoTls.servedCertificate("lifetime.test").orElseThrow().getSerialNumber())
                        .as("not renewed while more than a third is left").isEqualTo(old.getSerialNumber());

                clock.set(twoThirds.plus(Duration.ofMinutes(1)));
                scheduler.runDue();
                assertThat(site.autoTls.servedCertificate("lifetime.test").orElseThrow().getSerialNumber())
                        .isNotEqualTo(old.getSerialNumber());
                assertThat(pebble.issued()).isEqualTo(2);
            }
        }
    }
}
