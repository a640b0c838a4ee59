package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.Assembly;
import dev.autotls.internal.ops.Doctor;
import dev.autotls.testing.ManualScheduler;
import dev.autotls.testing.MutableClock;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.PebbleSites;
import dev.autotls.testing.Ports;
import dev.autotls.testing.Site;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13 (c): ACME profiles against a real Pebble 2.10 that lists profiles with their own lifetimes. */
class ProfilesIT {
    private static final Duration CLASSIC = Duration.ofDays(90);
    private static final Duration SHORTLIVED = Duration.ofHours(160);
    private static final Duration TLSSERVER = Duration.ofDays(45);

    private static Map<String, Duration> profiles() {
        Map<String, Duration> profiles = new LinkedHashMap<>();
        profiles.put("default", CLASSIC);
        profiles.put("shortlived", SHORTLIVED);
        profiles.put("tlsserver", TLSSERVER);
        return profiles;
    }

    @Test
    void theChosenProfilesLifetimeIsTheOneIssued(@TempDir Path storage) throws Exception {
        try (Pebble pebble = Pebble.startWithProfiles(profiles())) {
            for (Map.Entry<String, Duration> chosen : Map.of("shortlived", SHORTLIVED, "tlsserver", TLSSERVER).entrySet()) {
                String name = chosen.getKey() + ".test";
                MutableClock clock = MutableClock.startingNow();
                ManualScheduler scheduler = new ManualScheduler(clock);
                try (Site site = Site.start(PebbleSites.http01(pebble, storage, name).set(Setting.PROFILE, chosen.getKey())
                        .clock(clock).scheduler(scheduler))) {
                    scheduler.runDue();
                    X509Certificate served = site.autoTls.servedCertificate(name).orElseThrow();
                    assertThat(served.getIssuerX500Principal().getName()).as("from Pebble, not the temporary one")
                            .contains("Pebble");
                    Duration lifetime = Duration.between(served.getNotBefore().toInstant(), served.getNotAfter().toInstant());
                    assertThat(lifetime).as("lifetime of the " + chosen.getKey() + " certificate")
                            .isBetween(chosen.getValue().minusMinutes(1), chosen.getValue().plusSeconds(1));
                    assertThat(site.autoTls.status().get(0).ownerActionNeeded()).isFalse();
                }
            }
        }
    }

    @Test
    void anUnknownProfileIsReportedNamingTheOfferedOnesAndNoOrderIsPlaced(@TempDir Path storage) throws Exception {
        try (Pebble pebble = Pebble.startWithProfiles(profiles())) {
            MutableClock clock = MutableClock.startingNow();
            ManualScheduler scheduler = new ManualScheduler(clock);
            try (Site site = Site.start(PebbleSites.http01(pebble, storage, "unknown-profile.test")
                    .set(Setting.PROFILE, "nosuchprofile").clock(clock).scheduler(scheduler))) {
                scheduler.runDue();
                clock.advance(Duration.ofMinutes(31)); // the owner-action re-check, at most 30 min later
                scheduler.runDue();
                CertificateStatus status = site.autoTls.status().get(0);
                assertThat(status.ownerAction()).as("status says what to do").hasValueSatisfying(action -> assertThat(action)
                        .contains("'nosuchprofile'").contains("default, shortlived, tlsserver").contains("autotls.profile"));
                assertThat(status.source()).isEqualTo(CertificateStatus.Source.TEMPORARY);
                assertThat(pebble.orders()).as("orders placed with a profile the CA does not offer").isZero();

                java.util.List<Doctor.Finding> findings = new Doctor(site.autoTls.getBean(Assembly.class)).examine();
                assertThat(findings).anySatisfy(finding -> {
                    assertThat(finding.level()).isEqualTo(Doctor.Level.FAIL);
                    assertThat(finding.text()).startsWith("profile:").contains("default, shortlived, tlsserver");
                });
            }
        }
    }

    @Test
    void aCaThatListsNoProfilesGetsOrdersWithoutTheProfileAndIssuesItsDefault(@TempDir Path storage) throws Exception {
        try (Pebble pebble = Pebble.start("bookworm", Ports.free())) { // Pebble 2.4: no profiles in its directory
            MutableClock clock = MutableClock.startingNow();
            ManualScheduler scheduler = new ManualScheduler(clock);
            try (Site site = Site.start(PebbleSites.http01(pebble, storage, "no-profiles.test")
                    .set(Setting.PROFILE, "shortlived").clock(clock).scheduler(scheduler))) {
                scheduler.runDue();
                CertificateStatus status = site.autoTls.status().get(0);
                assertThat(status.ownerActionNeeded()).as(status.ownerAction().orElse("")).isFalse();
                assertThat(pebble.orders()).as("one order, without the profile the CA cannot know").isEqualTo(1);
                X509Certificate served = site.autoTls.servedCertificate("no-profiles.test").orElseThrow();
                assertThat(served.getIssuerX500Principal().getName()).as("from Pebble, not the temporary one").contains("Pebble");
                Duration lifetime = Duration.between(served.getNotBefore().toInstant(), served.getNotAfter().toInstant());
                assertThat(lifetime).as("Pebble 2.4's default lifetime, not shortlived's").isGreaterThan(SHORTLIVED.plusDays(1));
            }
        }
    }
}
