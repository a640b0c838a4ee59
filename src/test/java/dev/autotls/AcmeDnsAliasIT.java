package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.acme.PreflightException;
import dev.autotls.testing.Knot;
import dev.autotls.testing.ManualScheduler;
import dev.autotls.testing.MutableClock;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.Ports;
import dev.autotls.testing.RecordingListener;
import dev.autotls.testing.Responder;
import dev.autotls.testing.Site;
import dev.autotls.testing.TlsClient;
import dev.autotls.testing.Unbound;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3 (c): example.test and *.example.test through the CNAME alias, as on the internet:
 * Pebble resolves through unbound; the customer zone (with the _acme-challenge CNAME) is
 * served by knot; unbound reaches the responder's zone through a stub, so the CNAME is
 * followed by a real resolver. While the CNAME is missing, no order is placed.
 */
class AcmeDnsAliasIT {

    private static String customerZone(String extraLine) {
        return "$ORIGIN example.test.\n$TTL 1\n"
                + "@ SOA ns.invalid. hostmaster.example.test. 1 3600 600 86400 1\n"
                + "@ NS ns.invalid.\n"
                + "@ A 127.0.0.1\n"
                + (extraLine == null ? "" : extraLine + "\n");
    }

    @Test
    void obtainsBaseAndWildcardThroughTheCnameAliasAfterTheRecordAppears(@TempDir Path dir) throws Exception {
        try (Responder responder = Responder.start(dir, "auth.test", b -> b.record("auth.test. NS ns.invalid."));
             Knot knot = Knot.start(dir.resolve("knot"), Map.of("example.test", customerZone(null)));
             Unbound unbound = Unbound.start(dir.resolve("unbound"),
                     Map.of("example.test", knot.port, "auth.test", responder.server.dnsPort()));
             Pebble pebble = Pebble.startWithDns("sid", Ports.free(), unbound.port())) {
            MutableClock clock = MutableClock.startingNow();
            ManualScheduler scheduler = new ManualScheduler(clock);
            RecordingListener events = new RecordingListener();
            List<FailureEvent> failures = events.failures;
            List<CertificateEvent> obtained = events.obtained;
            AutoTls.Builder builder = AutoTls.builder().ignoreSystemSettings()
                    .domains("example.test", "*.example.test")
                    .ca(pebble.directory().toString()).caTrust(pebble.listenerTrust()).storage(dir.resolve("storage"))
                    .challenge("acme-dns").set(Setting.ACMEDNS_URL, "http://127.0.0.1:" + responder.server.apiPort())
                    .set(Setting.DNS_RESOLVERS, "127.0.0.1:" + unbound.port())
                    .httpPort(0).httpsPort(0).agreeToTermsOfService(true).clock(clock).scheduler(scheduler)
                    .listener(events);
            try (Site site = Site.start(builder)) {
                scheduler.runDue();
                assertThat(failures).singleElement().satisfies(failure -> {
                    assertThat(failure.cause()).isInstanceOf(PreflightException.class)
                            .hasMessageContaining("_acme-challenge.example.test has no CNAME yet")
                            .hasMessageMatching("(?s).*Add this record once: _acme-challenge\\.example\\.test\\. CNAME "
                                    + "[0-9a-f-]{36}\\.auth\\.test\\..*");
                    assertThat(failure.nextAttempt()).isBefore(clock.instant().plusSeconds(61));
                });
                assertThat(pebble.orders()).as("no order while the CNAME is missing").isZero();

                List<String> records = site.autoTls.requiredRecords();
                assertThat(records).singleElement().asString().matches("_acme-challenge\\.example\\.test\\. CNAME "
                        + "[0-9a-f-]{36}\\.auth\\.test\\.");
                knot.replace(Map.of("example.test", customerZone(records.get(0))));

                clock.set(failures.get(0).nextAttempt());
                scheduler.runDue();
                assertThat(obtained).as("failures: %s", failures).hasSize(1);
                assertThat(obtained.get(0).strategy()).isEqualTo("dns-01");

                TlsClient client = TlsClient.trusting(pebble.roots());
                X509Certificate base = client.leaf(site.httpsPort(), "example.test");
                X509Certificate wildcard = client.leaf(site.httpsPort(), "www.example.test");
                assertThat(wildcard.getSerialNumber()).isEqualTo(base.getSerialNumber());
                assertThat(base.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))).toList())
                        .containsExactlyInAnyOrder("example.test", "*.example.test");
                assertThat(pebble.orders()).isEqualTo(1);
            }
        }
    }
}
