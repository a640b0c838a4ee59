package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.engine.CertificateManager;
import dev.autotls.testing.ManualScheduler;
import dev.autotls.testing.MutableClock;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.PebbleSites;
import dev.autotls.testing.Ports;
import dev.autotls.testing.Site;
import dev.autotls.testing.TlsClient;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 2 (c): a restart on the same storage serves the stored certificate at once, with no new order or account. */
class RestartIT {

    @Test
    void restartServesStoredCertificateWithoutNewOrderOrAccount(@TempDir Path storage) throws Exception {
        try (Pebble pebble = Pebble.start("sid", Ports.free())) {
            MutableClock clock = MutableClock.startingNow();
            X509Certificate issued;
            java.time.Instant nextLook;
            ManualScheduler first = new ManualScheduler(clock);
            try (Site site = Site.start(PebbleSites.http01(pebble, storage, "restart.test").clock(clock).scheduler(first))) {
                first.runDue();
                issued = site.autoTls.servedCertificate("restart.test").orElseThrow();
                assertThat(issued.getIssuerX500Principal().getName()).contains("Pebble");
                nextLook = status(site).nextAttempt().orElseThrow();
            }
            long orders = pebble.orders();
            long accounts = pebble.accountRequests();
            assertThat(orders).isEqualTo(1);
            assertThat(accounts).isEqualTo(1);

            ManualScheduler second = new ManualScheduler(clock);
            try (Site site = Site.start(PebbleSites.http01(pebble, storage, "restart.test").clock(clock).scheduler(second))) {
                // before any maintenance ran: what is served came from storage
                X509Certificate served = TlsClient.trusting(pebble.roots()).leaf(site.httpsPort(), "restart.test");
                assertThat(served.getSerialNumber()).isEqualTo(issued.getSerialNumber());

                second.runDue();
                assertThat(status(site).lastAttempt()).as("a healthy stored certificate is not looked at the instant of start")
                        .isEmpty();
                assertThat(status(site).nextAttempt()).as("but when the first run's next look, kept in the store, comes")
                        .contains(nextLook);
                clock.advance(CertificateManager.START_SPREAD);
                second.runDue();
                assertThat(status(site).lastAttempt()).as("nor within the start spread, which is for certificates without one")
                        .isEmpty();
                clock.set(nextLook);
                second.runDue();
                assertThat(status(site).lastAttempt()).as("its look came").contains(nextLook);
                assertThat(site.autoTls.servedCertificate("restart.test").orElseThrow().getSerialNumber())
                        .isEqualTo(issued.getSerialNumber());
            }
            assertThat(pebble.orders()).as("orders placed after the restart").isEqualTo(orders);
            assertThat(pebble.accountRequests()).as("account requests after the restart").isEqualTo(accounts);
        }
    }

    private static CertificateStatus status(Site site) {
        return site.autoTls.status().stream().filter(status -> status.names().contains("restart.test")).findFirst().orElseThrow();
    }

    /** Issue 24 (d), the managed part: names managed at run time are managed again after a restart, with no order. */
    @Test
    void namesManagedAtRunTimeAreManagedAgainAfterARestartWithoutAnOrder(@TempDir Path storage) throws Exception {
        try (Pebble pebble = Pebble.start("sid", Ports.free())) {
            MutableClock clock = MutableClock.startingNow();
            X509Certificate issued;
            ManualScheduler first = new ManualScheduler(clock);
            try (Site site = Site.start(PebbleSites.http01(pebble, storage, "boot.test").clock(clock).scheduler(first))) {
                java.util.concurrent.CompletableFuture<java.util.List<CertificateStatus>> managed =
                        site.autoTls.manage("runtime.test", "www.runtime.test").toCompletableFuture();
                first.runDue();
                assertThat(managed.get(30, java.util.concurrent.TimeUnit.SECONDS)).as("one certificate per name (http-01)")
                        .flatExtracting(CertificateStatus::names).containsExactly("runtime.test", "www.runtime.test");
                issued = site.autoTls.servedCertificate("runtime.test").orElseThrow();
            }
            long orders = pebble.orders();
            assertThat(orders).as("boot.test, runtime.test and www.runtime.test").isEqualTo(3);

            // the same configuration, and one with no autotls.domains at all: the store's set is enough
            for (String[] configured : java.util.List.of(new String[] {"boot.test"}, new String[0])) {
                ManualScheduler second = new ManualScheduler(clock);
                try (Site site = Site.start(PebbleSites.http01(pebble, storage, configured).clock(clock).scheduler(second))) {
                    assertThat(site.autoTls.managedNames()).as("configured %s", java.util.Arrays.toString(configured))
                            .containsAll(java.util.List.of("runtime.test", "www.runtime.test"));
                    X509Certificate served = TlsClient.trusting(pebble.roots()).leaf(site.httpsPort(), "runtime.test");
                    assertThat(served.getSerialNumber()).as("served from the store before any maintenance ran")
                            .isEqualTo(issued.getSerialNumber());
                    clock.advance(CertificateManager.START_SPREAD);
                    second.runDue();
                    assertThat(site.autoTls.status()).filteredOn(status -> status.names().contains("runtime.test"))
                            .singleElement().satisfies(status -> assertThat(status.origins())
                                    .containsEntry("runtime.test", CertificateStatus.Origin.MANAGED));
                }
            }
            assertThat(pebble.orders()).as("orders placed after the restarts").isEqualTo(orders);
        }
    }
}
