package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.ManualScheduler;
import dev.autotls.testing.MutableClock;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.PebbleSites;
import dev.autotls.testing.Ports;
import dev.autotls.testing.Site;
import dev.autotls.testing.TlsClient;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 2 (e): with the CA down at start, HTTPS serves the fallback, and the certificate arrives once the CA is up. */
class CaDownAtStartIT {

    @Test
    void servesFallbackWhileCaIsDownThenUpgradesOnceItIsUp(@TempDir Path storage) throws Exception {
        try (Pebble pebble = Pebble.prepare("sid", Ports.free())) {
            MutableClock clock = MutableClock.startingNow();
            ManualScheduler scheduler = new ManualScheduler(clock);
            List<FailureEvent> failures = new CopyOnWriteArrayList<>();
            try (Site site = Site.start(PebbleSites.http01(pebble, storage, "down.test").clock(clock).scheduler(scheduler)
                    .listener(new AutoTlsListener() {
                        @Override
                        public void onFailed(FailureEvent event) {
                            failures.add(event);
                        }
                    }))) {
                TlsClient.Page page = TlsClient.inspecting().get(site.httpsPort(), "down.test", "/");
                assertThat(page.status()).isEqualTo(200);
                assertThat(page.certificate().getSubjectX500Principal().getName()).contains("autotls temporary self-signed");

                scheduler.runDue();
                assertThat(failures).hasSize(1);
                FailureEvent failure = failures.get(0);
                assertThat(failure.nextAttempt()).isAfter(clock.instant());
                assertThat(TlsClient.inspecting().get(site.httpsPort(), "down.test", "/").status())
                        .as("still serving after the failed attempt").isEqualTo(200);

                pebble.launch();
                clock.set(failure.nextAttempt());
                scheduler.runDue();

                X509Certificate served = TlsClient.trusting(pebble.roots()).leaf(site.httpsPort(), "down.test");
                assertThat(served.getIssuerX500Principal().getName()).contains("Pebble");
                assertThat(failures).hasSize(1);
            }
        }
    }
}
