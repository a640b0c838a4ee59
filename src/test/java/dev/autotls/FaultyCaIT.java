package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.FaultyCa;
import dev.autotls.testing.ManualScheduler;
import dev.autotls.testing.MutableClock;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.Site;
import dev.autotls.testing.TlsClient;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 (a): a real Pebble behind a fault-injecting front. Time is the maintenance clock,
 * moved by the test: the CA's Retry-After is honoured to the second, 100 names ask a CA that
 * drops every connection only a few times a minute together, and once it is back all of them
 * are served within 60 s; HTTPS answers throughout.
 */
class FaultyCaIT {

    private static AutoTls.Builder site(FaultyCa ca, Pebble pebble, Path storage, MutableClock clock, ManualScheduler scheduler,
                                        String... names) {
        return AutoTls.builder().ignoreSystemSettings().domains(names).ca(ca.directory().toString())
                .caTrust(pebble.listenerTrust()).storage(storage).challenge("http-01").httpPort(0).httpsPort(0)
                .agreeToTermsOfService(true).clock(clock).scheduler(scheduler);
    }

    @Test
    void noRequestReachesTheCaBeforeItsRetryAfter(@TempDir Path storage) throws Exception {
        try (Pebble pebble = Pebble.startAlwaysValid("sid"); FaultyCa ca = FaultyCa.in(pebble)) {
            ca.retryAfter(20);
            ca.mode(FaultyCa.Mode.UNAVAILABLE);
            MutableClock clock = MutableClock.startingNow();
            ManualScheduler scheduler = new ManualScheduler(clock);
            Instant start = clock.instant();
            try (Site site = Site.start(site(ca, pebble, storage, clock, scheduler, "ra.test"))) {
                scheduler.runDue();
                assertThat(ca.connections()).as("the first attempt met the 503").isEqualTo(1);
                for (int second = 1; second < 20; second++) {
                    clock.set(start.plusSeconds(second));
                    scheduler.runDue();
                }
                assertThat(ca.connections()).as("requests before Retry-After: 20 elapsed").isEqualTo(1);
                ca.mode(FaultyCa.Mode.PASS);
                for (int second = 20; second <= 30 && site.autoTls.servedCertificate("ra.test").orElseThrow()
                        .getIssuerX500Principal().getName().contains("autotls"); second++) {
                    clock.set(start.plusSeconds(second));
                    scheduler.runDue();
                }
                X509Certificate served = site.autoTls.servedCertificate("ra.test").orElseThrow();
                assertThat(served.getIssuerX500Principal().getName()).contains("Pebble");
                System.out.printf("faulty CA: 503 with Retry-After 20: 1 request, none for 19 s, certificate %d s after the "
                        + "503%n", Duration.between(start, clock.instant()).toSeconds());
            }
        }
    }

    @Test
    void aHundredNamesAskADroppingCaAFewTimesAMinuteAndAreAllServedWithin60sOfItsReturn(@TempDir Path storage)
            throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            names.add("n" + i + ".drop.test");
        }
        try (Pebble pebble = Pebble.startAlwaysValid("sid"); FaultyCa ca = FaultyCa.in(pebble)) {
            ca.mode(FaultyCa.Mode.DROP);
            MutableClock clock = MutableClock.startingNow();
            ManualScheduler scheduler = new ManualScheduler(clock);
            Instant start = clock.instant();
            TlsClient inspecting = TlsClient.inspecting();
            try (Site site = Site.start(site(ca, pebble, storage, clock, scheduler, names.toArray(new String[0])))) {
                int outageSeconds = 180;
                List<Integer> perMinute = new ArrayList<>();
                int before = 0;
                for (int second = 0; second <= outageSeconds; second++) {
                    clock.set(start.plusSeconds(second));
                    scheduler.runDue();
                    if (second % 60 == 59) {
                        perMinute.add(ca.connections() - before);
                        before = ca.connections();
                        assertThat(inspecting.leaf(site.httpsPort(), names.get(second % 100)))
                                .as("HTTPS answers with the temporary certificate meanwhile").isNotNull();
                    }
                }
                // at most four probes a minute (10 s, then up to 30 s apart, with jitter), each at most two connections (the JDK retries one)
                assertThat(perMinute).as("requests to the CA per minute, for 100 names together").allMatch(n -> n <= 8);

                ca.mode(FaultyCa.Mode.PASS);
                Instant back = clock.instant();
                int servedAt = -1;
                for (int second = 1; second <= 60; second++) {
                    clock.set(back.plusSeconds(second));
                    scheduler.runDue();
                    if (names.stream().allMatch(name -> site.autoTls.servedCertificate(name).orElseThrow()
                            .getIssuerX500Principal().getName().contains("Pebble"))) {
                        servedAt = second;
                        break;
                    }
                }
                assertThat(servedAt).as("seconds after the CA came back until all 100 were served").isBetween(1, 60);
                X509Certificate one = TlsClient.trusting(pebble.roots()).leaf(site.httpsPort(), names.get(42));
                assertThat(one.getIssuerX500Principal().getName()).contains("Pebble");
                System.out.printf("faulty CA: 100 names, connections dropped for %d s: requests per minute %s; all 100 "
                        + "served %d s after the CA came back%n", outageSeconds, perMinute, servedAt);
            }
        }
    }
}
