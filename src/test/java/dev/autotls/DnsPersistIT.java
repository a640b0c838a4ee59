package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.acme.PreflightException;
import dev.autotls.testing.Knot;
import dev.autotls.testing.ManualScheduler;
import dev.autotls.testing.MutableClock;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.Ports;
import dev.autotls.testing.RecordingListener;
import dev.autotls.testing.Site;
import dev.autotls.testing.TlsClient;
import dev.autotls.testing.Unbound;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4 (a, b, d): dns-persist-01 end to end with Pebble 2.10 resolving through unbound and
 * the record in knot; every wrong record is explained and places no order, and fixing it
 * leads to a certificate without a restart; against Pebble 2.4 auto falls back to http-01.
 */
class DnsPersistIT {

    private static String zone(String origin, String... lines) {
        return "$ORIGIN " + origin + ".\n$TTL 1\n@ SOA ns.invalid. hostmaster." + origin + ". 1 3600 600 86400 1\n"
                + "@ NS ns.invalid.\n@ A 127.0.0.1\n* A 127.0.0.1\n" + String.join("\n", lines) + "\n";
    }


    @Test
    void explainsEveryWrongRecordWithoutOrderingThenIssuesBaseAndWildcardOnceFixed(@TempDir Path dir) throws Exception {
        try (Knot knot = Knot.start(dir.resolve("knot"), Map.of("persist.test", zone("persist.test")));
             Unbound unbound = Unbound.start(dir.resolve("unbound"), Map.of("persist.test", knot.port));
             Pebble pebble = Pebble.startWithDns("sid", Ports.free(), unbound.port())) {
            MutableClock clock = MutableClock.startingNow();
            ManualScheduler scheduler = new ManualScheduler(clock);
            RecordingListener events = new RecordingListener();
            try (Site site = Site.start(AutoTls.builder().ignoreSystemSettings().domains("persist.test", "*.persist.test")
                    .ca(pebble.directory().toString()).caTrust(pebble.listenerTrust()).storage(dir.resolve("storage"))
                    .challenge("dns-persist-01").set(Setting.DNS_RESOLVERS, "127.0.0.1:" + unbound.port())
                    .set(Setting.HTTP_PORT, "off").httpsPort(0).agreeToTermsOfService(true)
                    .clock(clock).scheduler(scheduler).listener(events))) {
                scheduler.runDue();
                assertThat(events.lastFailure().cause()).isInstanceOf(PreflightException.class)
                        .hasMessageContaining("_validation-persist.persist.test has no TXT record. Add this record once: "
                                + "_validation-persist.persist.test. TXT \"pebble.letsencrypt.org; accounturi=https://127.0.0.1:");

                String good = site.autoTls.requiredRecords().get(0);
                assertThat(good).matches("_validation-persist\\.persist\\.test\\. TXT \"pebble\\.letsencrypt\\.org; "
                        + "accounturi=https://127\\.0\\.0\\.1:\\d+/my-account/[0-9a-f]+; policy=wildcard\"");
                String value = good.substring(good.indexOf('"') + 1, good.length() - 1);
                String account = value.split("; ")[1].substring("accounturi=".length());
                long past = clock.instant().minus(Duration.ofDays(1)).getEpochSecond();
                long soon = clock.instant().plus(Duration.ofDays(10)).getEpochSecond();
                Map<String, String> wrongRecords = new java.util.LinkedHashMap<>();
                wrongRecords.put("pebble.letsencrypt.org; accounturi=" + account + "0; policy=wildcard", "authorizes another ACME account");
                wrongRecords.put("letsencrypt.org; accounturi=" + account + "; policy=wildcard", "names the issuer letsencrypt.org");
                wrongRecords.put("pebble.letsencrypt.org; accounturi=" + account, "lacks policy=wildcard, which *.persist.test needs");
                wrongRecords.put(value + "; persistUntil=" + past, "(persistUntil)");
                wrongRecords.put(value + "; persistUntil=" + soon, "within 30 days");
                wrongRecords.put(value + "; policy=wildcard", "is malformed (the parameter policy appears twice)");
                wrongRecords.put("pebble.letsencrypt.org; policy=wildcard", "is malformed (it has no accounturi parameter)");
                for (Map.Entry<String, String> wrong : wrongRecords.entrySet()) {
                    knot.replace(Map.of("persist.test", zone("persist.test", "_validation-persist TXT \"" + wrong.getKey() + "\"")));
                    clock.set(events.lastFailure().nextAttempt());
                    int before = events.failures.size();
                    scheduler.runDue();
                    assertThat(events.failures).hasSize(before + 1);
                    assertThat(events.lastFailure().cause()).as(wrong.getKey()).hasMessageContaining(wrong.getValue())
                            .hasMessageContaining("Change it to: " + good);
                    assertThat(events.lastFailure().nextAttempt()).isBefore(clock.instant().plusSeconds(61));
                }
                knot.replace(Map.of("persist.test", zone("persist.test",
                        "_validation-persist TXT \"other.ca; accounturi=x\"", "_validation-persist TXT \"pebble.letsencrypt.org; accounturi=y\"")));
                clock.set(events.lastFailure().nextAttempt());
                scheduler.runDue();
                assertThat(events.lastFailure().cause()).hasMessageContaining("has 2 TXT records and none fits");
                assertThat(pebble.orders()).as("no order while the record is wrong").isZero();

                knot.replace(Map.of("persist.test", zone("persist.test", good)));
                clock.set(events.lastFailure().nextAttempt());
                scheduler.runDue();
                assertThat(events.obtained).as("failures: %s", events.failures).singleElement()
                        .satisfies(event -> assertThat(event.strategy()).isIn("dns-persist-01", "reused authorization"));
                TlsClient client = TlsClient.trusting(pebble.roots());
                X509Certificate base = client.leaf(site.httpsPort(), "persist.test");
                assertThat(client.leaf(site.httpsPort(), "any.persist.test").getSerialNumber()).isEqualTo(base.getSerialNumber());
                assertThat(base.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))).toList())
                        .containsExactlyInAnyOrder("persist.test", "*.persist.test");
                assertThat(pebble.orders()).isEqualTo(1);
            }
        }
    }

    @Test
    void autoFallsBackToHttp01AgainstPebble24WhichLacksDnsPersist(@TempDir Path dir) throws Exception {
        int httpPort = Ports.free();
        try (Knot knot = Knot.start(dir.resolve("knot"), Map.of("fallback.test", zone("fallback.test")));
             Unbound unbound = Unbound.start(dir.resolve("unbound"), Map.of("fallback.test", knot.port));
             Pebble pebble = Pebble.startWithDns("bookworm", httpPort, unbound.port())) {
            MutableClock clock = MutableClock.startingNow();
            ManualScheduler scheduler = new ManualScheduler(clock);
            RecordingListener events = new RecordingListener();
            try (Site site = Site.start(AutoTls.builder().ignoreSystemSettings().domains("fallback.test")
                    .ca(pebble.directory().toString()).caTrust(pebble.listenerTrust()).storage(dir.resolve("storage"))
                    .set(Setting.DNS_RESOLVERS, "127.0.0.1:" + unbound.port())
                    .httpPort(httpPort).httpsPort(0).agreeToTermsOfService(true)
                    .clock(clock).scheduler(scheduler).listener(events))) {
                List<String> records = site.autoTls.requiredRecords();
                if (!records.isEmpty()) { // a persist record that Pebble 2.4 will not even look at
                    knot.replace(Map.of("fallback.test", zone("fallback.test", records.toArray(new String[0]))));
                }
                scheduler.runDue();
                assertThat(events.obtained).as("failures: %s", events.failures).singleElement()
                        .satisfies(event -> assertThat(event.strategy()).isEqualTo("http-01"));
                assertThat(TlsClient.trusting(pebble.roots()).leaf(site.httpsPort(), "fallback.test")
                        .getIssuerX500Principal().getName()).contains("Pebble");
            }
        }
    }
}
