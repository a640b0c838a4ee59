package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.spi.TransientException;
import dev.autotls.testing.FaultyCa;
import dev.autotls.testing.ManualScheduler;
import dev.autotls.testing.MutableClock;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.RecordingListener;
import dev.autotls.testing.Site;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 25 (c): a real Pebble 2.10 (with ARI) behind a front that answers new orders without ARI's
 * {@code replaces} 429 {@code rateLimited} with a Retry-After of an hour. New orders to the account
 * pause for that hour (no new order without {@code replaces} reaches the front before it), a renewal
 * with {@code replaces} is ordered during the pause, the CA's circuit stays closed, and once the hour
 * is over the new names are ordered. Time is the maintenance clock, moved by the test.
 */
class PacingRetryAfterIT {
    private static final int RETRY_AFTER_SECONDS = 3600;

    private static AutoTls.Builder site(FaultyCa ca, Pebble pebble, Path storage, MutableClock clock, ManualScheduler scheduler,
                                        RecordingListener events, String... names) {
        return AutoTls.builder().ignoreSystemSettings().domains(names).ca(ca.directory().toString())
                .caTrust(pebble.listenerTrust()).storage(storage).challenge("http-01").httpPort(0).httpsPort(0)
                .set(Setting.PROFILE, "short").agreeToTermsOfService(true).clock(clock).scheduler(scheduler).listener(events);
    }

    private static boolean fromPebble(Site site, String name) {
        return site.autoTls.servedCertificate(name).orElseThrow().getIssuerX500Principal().getName().contains("Pebble");
    }

    /** Moves the clock a second at a time (at most {@code seconds}) until {@code done}; whether it got there. */
    private static boolean stepUntil(MutableClock clock, ManualScheduler scheduler, int seconds, java.util.function.BooleanSupplier done) {
        for (int second = 0; second <= seconds && !done.getAsBoolean(); second++) {
            clock.advance(Duration.ofSeconds(1));
            scheduler.runDue();
        }
        return done.getAsBoolean();
    }

    @Test
    void a429PausesNewOrdersUntilItsRetryAfterWhileAriRenewalsGoOn(@TempDir Path storageRoot) throws Exception {
        try (Pebble pebble = Pebble.startWithProfiles(Map.of("short", Duration.ofMinutes(10))); FaultyCa ca = FaultyCa.in(pebble)) {
            MutableClock clock = MutableClock.startingNow();
            X509Certificate old = null;
            Path storage = null;
            // Pebble 2.10 cannot find the order of a certificate whose serial's DER form begins with a zero byte, so
            // it refuses the renewal's replaces; the renewal then waits out the pause as a new order (PacingGateTest).
            // This test is about the replacement that goes on.
            for (int attempt = 0; old == null; attempt++) {
                assertThat(attempt).as("certificates from Pebble whose serial's DER form begins with a zero byte").isLessThan(20);
                Path tried = storageRoot.resolve("try-" + attempt);
                ManualScheduler first = new ManualScheduler(clock);
                try (Site site = Site.start(site(ca, pebble, tried, clock, first, new RecordingListener(), "ari.pause.test"))) {
                    first.runDue();
                    assertThat(stepUntil(clock, first, 60, () -> fromPebble(site, "ari.pause.test"))).isTrue();
                    X509Certificate served = site.autoTls.servedCertificate("ari.pause.test").orElseThrow();
                    if (served.getSerialNumber().toByteArray()[0] != 0) {
                        old = served;
                        storage = tried;
                    }
                }
            }
            Instant[] window = pebble.renewalWindow(old);

            ca.retryAfter(RETRY_AFTER_SECONDS);
            ca.mode(FaultyCa.Mode.RATE_LIMIT_NEW_ORDERS);
            ManualScheduler scheduler = new ManualScheduler(clock);
            RecordingListener events = new RecordingListener();
            try (Site site = Site.start(site(ca, pebble, storage, clock, scheduler, events, "ari.pause.test", "new1.pause.test",
                    "new2.pause.test"))) {
                Instant start = clock.instant();
                scheduler.runDue();
                assertThat(stepUntil(clock, scheduler, 30, () -> ca.newOrders().stream().anyMatch(FaultyCa.NewOrder::refused)))
                        .as("a new order met the 429").isTrue();
                Instant retryAt = start.plusSeconds(RETRY_AFTER_SECONDS);
                stepUntil(clock, scheduler, 5, () -> false); // both new names have asked by now
                long refused = ca.newOrders().stream().filter(FaultyCa.NewOrder::refused).count();
                assertThat(refused).as("new orders that reached the front before the pause was known").isBetween(1L, 2L);

                // the renewal falls due inside the pause (the certificate lasts ten minutes, the pause an hour)
                assertThat(window[1]).isBefore(retryAt.minusSeconds(60));
                clock.set(window[1].plusSeconds(1));
                scheduler.runDue();
                BigInteger oldSerial = old.getSerialNumber();
                assertThat(stepUntil(clock, scheduler, 60, () -> !site.autoTls.servedCertificate("ari.pause.test").orElseThrow()
                        .getSerialNumber().equals(oldSerial) && fromPebble(site, "ari.pause.test")))
                        .as("the ARI renewal was ordered during the pause").isTrue();
                assertThat(ca.newOrders()).as("the renewal's order carried replaces").anyMatch(FaultyCa.NewOrder::replaces);

                // the rest of the pause, a minute at a time: no order without replaces reaches the front, not even a
                // later renewal's whose replaces Pebble refuses (it waits in the queue as a new order)
                assertThat(ca.newOrders().stream().filter(FaultyCa.NewOrder::refused).count()).as("new orders refused by the renewal")
                        .isEqualTo(refused);
                while (clock.instant().isBefore(retryAt.minusSeconds(60))) {
                    clock.advance(Duration.ofSeconds(60));
                    scheduler.runDue();
                    assertThat(ca.newOrders().stream().filter(FaultyCa.NewOrder::refused).count())
                            .as("new orders refused by " + clock.instant() + ", before the Retry-After " + retryAt)
                            .isEqualTo(refused);
                }
                CertificateStatus waiting = site.autoTls.status().stream()
                        .filter(s -> s.names().contains("new2.pause.test")).findFirst().orElseThrow();
                assertThat(waiting.nextAttempt()).hasValueSatisfying(next -> assertThat(next).isAfterOrEqualTo(retryAt));
                assertThat(events.failures).as("the CA's circuit stays closed: no failure counted the CA as down")
                        .noneMatch(f -> f.cause() instanceof TransientException t && t.caWide());
                assertThat(fromPebble(site, "new1.pause.test") || fromPebble(site, "new2.pause.test")).isFalse();

                ca.mode(FaultyCa.Mode.PASS);
                clock.set(retryAt);
                scheduler.runDue();
                assertThat(stepUntil(clock, scheduler, 120, () -> fromPebble(site, "new1.pause.test")
                        && fromPebble(site, "new2.pause.test"))).as("the new names ordered once the hour is over").isTrue();
                System.out.printf("pacing: 429 with Retry-After %d s: %d new order(s) refused, none more during the pause; the ARI "
                                + "renewal ordered %d s into it; the new names served %d s after it ended%n", RETRY_AFTER_SECONDS,
                        refused, Duration.between(start, window[1]).toSeconds(), Duration.between(retryAt, clock.instant()).toSeconds());
                List<CertificateStatus> all = site.autoTls.status();
                assertThat(all).allSatisfy(s -> assertThat(s.queuePosition()).isEmpty());
            }
        }
    }
}
