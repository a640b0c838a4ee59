package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.Await;
import dev.autotls.testing.ManualScheduler;
import dev.autotls.testing.MutableClock;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.PebbleSites;
import dev.autotls.testing.Ports;
import dev.autotls.testing.Site;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 (1): the start does the first order's slow steps ahead of it (directory, account, nonce)
 * without sending the CA anything the order would not send, and sends nothing when nothing is to be ordered.
 */
class WarmStartIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void firstOrderUsesTheWarmedDirectoryAccountAndNonce(@TempDir Path storage) throws Exception {
        try (Pebble pebble = Pebble.start("sid", Ports.free())) {
            long directoryReads = pebble.requests("GET", "/dir"); // Pebble.start's readiness check
            try (Site site = Site.start(PebbleSites.http01(pebble, storage, "warm.test"))) {
                Await.until("a certificate from Pebble for warm.test", DEADLINE, () -> site.autoTls.servedCertificate("warm.test")
                        .filter(served -> served.getIssuerX500Principal().getName().contains("Pebble")).isPresent());
                awaitWarmUpEnded();
            }
            assertThat(pebble.requests("GET", "/dir") - directoryReads).as("directory reads, warm-up and order together").isEqualTo(1);
            assertThat(pebble.requests("HEAD", "/nonce-plz")).as("nonce requests: the warm-up's, which the order used").isEqualTo(1);
            assertThat(pebble.accountRequests()).isEqualTo(1);
            assertThat(pebble.orders()).isEqualTo(1);
            String log = pebble.log();
            String betweenProofAndFinalize = log.substring(log.indexOf("POST /chalZ/"), log.indexOf("POST /finalize-order/"));
            assertThat(betweenProofAndFinalize).as("order fetches between proving control and finalizing")
                    .doesNotContain("POST /my-order/");
        }
    }

    @Test
    void aStartWithOnlyValidStoredCertificatesSendsTheCaNothing(@TempDir Path storage) throws Exception {
        try (Pebble pebble = Pebble.start("sid", Ports.free())) {
            MutableClock clock = MutableClock.startingNow();
            ManualScheduler first = new ManualScheduler(clock);
            try (Site site = Site.start(PebbleSites.http01(pebble, storage, "stored.test").clock(clock).scheduler(first))) {
                first.runDue();
                assertThat(site.autoTls.servedCertificate("stored.test").orElseThrow().getIssuerX500Principal().getName())
                        .contains("Pebble");
            }
            long directoryReads = pebble.requests("GET", "/dir");
            long nonces = pebble.requests("HEAD", "/nonce-plz");

            try (Site site = Site.start(PebbleSites.http01(pebble, storage, "stored.test"))) { // its own threads: the warm-up runs
                awaitWarmUpEnded();
                assertThat(site.autoTls.servedCertificate("stored.test").orElseThrow().getIssuerX500Principal().getName())
                        .contains("Pebble");
            }
            assertThat(pebble.requests("GET", "/dir")).as("directory reads after the restart").isEqualTo(directoryReads);
            assertThat(pebble.requests("HEAD", "/nonce-plz")).as("nonce requests after the restart").isEqualTo(nonces);
        }
    }

    private static void awaitWarmUpEnded() {
        Await.until("the warm-up thread to end", DEADLINE, () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().equals("autotls-warm-up") && thread.isAlive()));
    }
}
