package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.testing.ManualScheduler;
import dev.autotls.testing.MutableClock;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.Ports;
import dev.autotls.testing.Site;
import dev.autotls.testing.TlsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 (d): two real Pebbles with different roots, listed in {@code autotls.ca}. When the
 * first is down (for {@code autotls.ca.fallback-after}) or refuses the name, the certificate
 * comes from the second; the next renewal goes back to the first.
 */
class CaFallbackIT {

    private static AutoTls.Builder twoCas(Pebble first, Pebble second, Path storage, int httpPort, String name) {
        return AutoTls.builder().ignoreSystemSettings()
                .domains(name).storage(storage).challenge("http-01").httpPort(httpPort).httpsPort(0)
                .agreeToTermsOfService(true)
                .ca(first.directory() + "," + second.directory())
                .caTrust(first.listenerTrust()) // each CA's own HTTPS is trusted through its own setting
                .set(Setting.CA_2_TRUST, second.listenerTrust().toString());
    }

    @Test
    void whenTheFirstCaIsDownTheSecondIssuesAndTheNextRenewalGoesBackToTheFirst(@TempDir Path storage) throws Exception {
        int httpPort = Ports.free(); // both CAs validate http-01 against the site's one HTTP port
        try (Pebble first = Pebble.prepare("sid", httpPort); Pebble second = Pebble.start("sid", httpPort)) {
            MutableClock clock = MutableClock.startingNow();
            ManualScheduler scheduler = new ManualScheduler(clock);
            try (Site site = Site.start(twoCas(first, second, storage, httpPort, "fallback.test")
                    .set(Setting.CA_FALLBACK_AFTER, "1h").clock(clock).scheduler(scheduler))) {
                scheduler.runDue();
                CertificateStatus failing = site.autoTls.status().get(0);
                assertThat(failing.source()).as("the first CA is down").isEqualTo(CertificateStatus.Source.TEMPORARY);
                assertThat(failing.tryingCa()).contains(first.directory().toString());

                clock.advance(Duration.ofMinutes(30));
                scheduler.runDue();
                assertThat(second.orders()).as("no fallback before autotls.ca.fallback-after").isZero();

                clock.advance(Duration.ofMinutes(31));
                scheduler.runDue();
                CertificateStatus fallen = site.autoTls.status().get(0);
                assertThat(fallen.source()).isEqualTo(CertificateStatus.Source.CA);
                assertThat(fallen.issuedBy()).contains(second.directory().toString());
                TlsClient.trusting(second.roots()).leaf(site.httpsPort(), "fallback.test"); // chains to the second's root
                assertThat(second.issued()).isEqualTo(1);
                assertThat(fallen.tryingCa()).as("the next renewal goes to the first again").contains(first.directory().toString());

                first.launch();
                site.autoTls.renew("fallback.test");
                clock.advance(Duration.ofMinutes(1)); // past the first CA's circuit wait: its one probe finds it back
                scheduler.runDue();
                CertificateStatus back = site.autoTls.status().get(0);
                assertThat(back.issuedBy()).as(back.lastOutcome().orElse("")).contains(first.directory().toString());
                TlsClient.trusting(first.roots()).leaf(site.httpsPort(), "fallback.test");
                assertThatThrownBy(() -> TlsClient.trusting(second.roots()).leaf(site.httpsPort(), "fallback.test"))
                        .as("no longer the second CA's certificate");
                assertThat(first.issued()).isEqualTo(1);
                assertThat(second.issued()).isEqualTo(1);
            }
            // one account per CA, each in the CA's own folder
            assertThat(Files.exists(storage.resolve(dev.autotls.internal.store.StorageKeys.caFolder(first.directory()))
                    .resolve("account/account.json"))).isTrue();
            assertThat(Files.exists(storage.resolve(dev.autotls.internal.store.StorageKeys.caFolder(second.directory()))
                    .resolve("account/account.json"))).isTrue();
        }
    }

    @Test
    void aCaThatRefusesTheNameIsLeftAtOnceForTheNext(@TempDir Path storage) throws Exception {
        try (Pebble refusing = Pebble.startRefusing("refused.test"); Pebble second = Pebble.startAlwaysValid("sid")) {
            MutableClock clock = MutableClock.startingNow();
            ManualScheduler scheduler = new ManualScheduler(clock);
            try (Site site = Site.start(twoCas(refusing, second, storage, Ports.free(), "www.refused.test")
                    .clock(clock).scheduler(scheduler))) { // fallback-after is its default, a day
                scheduler.runDue();
                clock.advance(Duration.ofSeconds(6));
                scheduler.runDue();
                CertificateStatus status = site.autoTls.status().get(0);
                assertThat(status.source()).as(status.lastOutcome().orElse("")).isEqualTo(CertificateStatus.Source.CA);
                assertThat(status.issuedBy()).contains(second.directory().toString());
                assertThat(refusing.orders()).as("the refusing CA was asked").isPositive();
                assertThat(refusing.issued()).isZero();
                TlsClient.trusting(second.roots()).leaf(site.httpsPort(), "www.refused.test");
            }
        }
    }
}
