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
            ManualScheduler first = new ManualScheduler(clock);
            try (Site site = Site.start(PebbleSites.http01(pebble, storage, "restart.test").clock(clock).scheduler(first))) {
                first.runDue();
                issued = site.autoTls.servedCertificate("restart.test").orElseThrow();
                assertThat(issued.getIssuerX500Principal().getName()).contains("Pebble");
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

                assertThat(second.runDue()).as("a healthy stored certificate is not looked at the instant of start").isZero();
                clock.advance(CertificateManager.START_SPREAD);
                assertThat(second.runDue()).as("the first maintenance look ran within the start spread, beside one look "
                        + "at the store for what other instances stored").isEqualTo(2);
                assertThat(site.autoTls.servedCertificate("restart.test").orElseThrow().getSerialNumber())
                        .isEqualTo(issued.getSerialNumber());
            }
            assertThat(pebble.orders()).as("orders placed after the restart").isEqualTo(orders);
            assertThat(pebble.accountRequests()).as("account requests after the restart").isEqualTo(accounts);
        }
    }
}
