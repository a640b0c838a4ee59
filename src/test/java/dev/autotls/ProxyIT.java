package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.ConnectProxy;
import dev.autotls.testing.ManualScheduler;
import dev.autotls.testing.MutableClock;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.PebbleSites;
import dev.autotls.testing.Site;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10 (7b): with autotls.proxy every connection to the CA goes through the proxy (CONNECT). */
class ProxyIT {

    @Test
    void everyRequestToTheCaGoesThroughTheConfiguredProxy(@TempDir Path storage) throws Exception {
        try (Pebble pebble = Pebble.startAlwaysValid("sid"); ConnectProxy proxy = ConnectProxy.start()) {
            MutableClock clock = MutableClock.startingNow();
            ManualScheduler scheduler = new ManualScheduler(clock);
            try (Site site = Site.start(PebbleSites.http01(pebble, storage, "proxied.test").httpPort(0)
                    .set(Setting.PROXY, "127.0.0.1:" + proxy.port()).clock(clock).scheduler(scheduler))) {
                scheduler.runDue();
                assertThat(site.autoTls.servedCertificate("proxied.test").orElseThrow().getIssuerX500Principal().getName())
                        .contains("Pebble");
            }
            assertThat(proxy.tunnels()).isNotEmpty().allMatch(target -> target.equals("127.0.0.1:" + pebble.acmePort));
        }
    }
}
