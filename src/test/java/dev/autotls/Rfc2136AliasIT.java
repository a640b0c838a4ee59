package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.Assembly;
import dev.autotls.internal.acme.PreflightException;
import dev.autotls.internal.ops.Doctor;
import dev.autotls.testing.Bind;
import dev.autotls.testing.ManualScheduler;
import dev.autotls.testing.MutableClock;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.Ports;
import dev.autotls.testing.RecordingListener;
import dev.autotls.testing.Site;
import dev.autotls.testing.TlsClient;
import dev.autotls.testing.Unbound;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * Issue 13 (b): the RFC 2136 alias strategy against a real BIND 9 as the primary of both the
 * parent zone {@code example.test} (holding the {@code _acme-challenge} CNAMEs, taking no
 * updates) and the alias zone {@code alias.test}, whose TSIG key {@code update-policy} limits
 * to TXT records there. Pebble validates through unbound, which follows the CNAME into the
 * alias zone as a resolver on the internet would.
 */
class Rfc2136AliasIT {
    private static final String ALIAS_ZONE = "alias.test";

    @TempDir
    static Path shared;
    private static Bind bind;
    private static Unbound unbound;
    private static Pebble pebble;

    @BeforeAll
    static void peers() throws Exception {
        String parent = "$ORIGIN example.test.\n$TTL 1\n"
                + "@ SOA ns.invalid. hostmaster.example.test. 1 3600 600 86400 1\n"
                + "@ NS ns.invalid.\n"
                + "@ A 127.0.0.1\n"
                + "_acme-challenge CNAME example.test.alias.test.\n"
                + "_acme-challenge.auto CNAME auto.example.test.alias.test.\n"
                + "_acme-challenge.wrong CNAME elsewhere.invalid.\n";
        String alias = "$ORIGIN alias.test.\n$TTL 1\n"
                + "@ SOA ns.invalid. hostmaster.alias.test. 1 3600 600 86400 1\n"
                + "@ NS ns.invalid.\n";
        bind = Bind.start(shared.resolve("bind"), Map.of("example.test", parent, ALIAS_ZONE, alias), List.of(ALIAS_ZONE));
        unbound = Unbound.start(shared.resolve("unbound"), Map.of("example.test", bind.port(), ALIAS_ZONE, bind.port()));
        pebble = Pebble.startWithDns("sid", Ports.free(), unbound.port());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable peer : new AutoCloseable[] {pebble, unbound, bind}) {
            try {
                if (peer != null) {
                    peer.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static AutoTls.Builder site(Path dir, MutableClock clock, ManualScheduler scheduler, RecordingListener events,
                                        String... names) {
        return AutoTls.builder().ignoreSystemSettings().domains(names)
                .ca(pebble.directory().toString()).caTrust(pebble.listenerTrust()).storage(dir.resolve("storage"))
                .challenge("rfc2136")
                .set(Setting.RFC2136_SERVER, "127.0.0.1:" + bind.port())
                .set(Setting.RFC2136_ZONE, ALIAS_ZONE)
                .set(Setting.RFC2136_TSIG, bind.tsigSetting())
                .set(Setting.DNS_RESOLVERS, "127.0.0.1:" + unbound.port())
                .httpPort(0).httpsPort(0).agreeToTermsOfService(true).clock(clock).scheduler(scheduler).listener(events);
    }

    @Test
    void obtainsNameAndWildcardThroughTheAliasZoneAndRemovesTheValuesAfterwards(@TempDir Path dir) throws Exception {
        MutableClock clock = MutableClock.startingNow();
        ManualScheduler scheduler = new ManualScheduler(clock);
        RecordingListener events = new RecordingListener();
        Path keyFile = Files.writeString(dir.resolve("acme-alias.key"), bind.keyFile());
        AutoTls.Builder builder = site(dir, clock, scheduler, events, "example.test", "*.example.test")
                .set(Setting.RFC2136_TSIG, "").set(Setting.RFC2136_TSIG_FILE, keyFile.toString());
        Update seeded = new Update(Name.fromString(ALIAS_ZONE + "."));
        seeded.add(new TXTRecord(Name.fromString("example.test." + ALIAS_ZONE + "."), DClass.IN, 60, "not autotls's"));
        assertThat(send(seeded, key())).isEqualTo(Rcode.NOERROR);
        long ordersBefore = pebble.orders();
        try (Site site = Site.start(builder)) {
            scheduler.runDue();
            assertThat(events.obtained).as("failures: %s", events.failures).hasSize(1);

            TlsClient client = TlsClient.trusting(pebble.roots());
            X509Certificate base = client.leaf(site.httpsPort(), "example.test");
            X509Certificate wildcard = client.leaf(site.httpsPort(), "www.example.test");
            assertThat(wildcard.getSerialNumber()).isEqualTo(base.getSerialNumber());
            assertThat(base.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))).toList())
                    .containsExactlyInAnyOrder("example.test", "*.example.test");
            assertThat(pebble.orders() - ordersBefore).isEqualTo(1);
        }
        assertThat(bind.txt("example.test." + ALIAS_ZONE)).as("its values are removed after validation, no other")
                .containsExactly("not autotls's");
        // named logs each record an update adds or deletes: both values went in, then exactly those two came out
        List<String> changes = bind.log().lines()
                .filter(line -> line.matches(".*(adding|deleting) an RR at '?example\\.test\\.alias\\.test'? TXT.*"))
                .filter(line -> !line.contains("not autotls's")).toList();
        assertThat(changes).as(bind.log()).hasSize(4);
        assertThat(changes.subList(0, 2)).allMatch(line -> line.contains("adding an RR"));
        assertThat(changes.subList(2, 4)).allMatch(line -> line.contains("deleting an RR"));
    }

    @Test
    void theKeyIsRefusedForAnARecordAndForTxtOutsideTheAliasZone() throws Exception {
        TSIG key = key();

        Update address = new Update(Name.fromString(ALIAS_ZONE + "."));
        address.add(new ARecord(Name.fromString("www.alias.test."), DClass.IN, 60, java.net.InetAddress.getByName("192.0.2.1")));
        assertThat(send(address, key)).as("an A record in the alias zone").isEqualTo(Rcode.REFUSED);
        assertThat(bind.records("www.alias.test", Type.A)).isEmpty();

        Update outside = new Update(Name.fromString("example.test."));
        outside.add(new TXTRecord(Name.fromString("probe.example.test."), DClass.IN, 60, "not allowed"));
        assertThat(send(outside, key)).as("a TXT record in the parent zone").isEqualTo(Rcode.REFUSED);
        assertThat(bind.records("probe.example.test", Type.TXT)).isEmpty();

        Update allowed = new Update(Name.fromString(ALIAS_ZONE + "."));
        allowed.add(new TXTRecord(Name.fromString("probe.alias.test."), DClass.IN, 60, "allowed"));
        assertThat(send(allowed, key)).as("the same key may write TXT in the alias zone").isEqualTo(Rcode.NOERROR);
        assertThat(bind.txt("probe.alias.test")).containsExactly("allowed");
        Update removed = new Update(Name.fromString(ALIAS_ZONE + "."));
        removed.delete(Name.fromString("probe.alias.test."), Type.TXT);
        assertThat(send(removed, key)).isEqualTo(Rcode.NOERROR);
    }

    private static TSIG key() throws Exception {
        return new TSIG(TSIG.HMAC_SHA256, Name.fromString(Bind.KEY_NAME + "."), Base64.getDecoder().decode(bind.secret));
    }

    private static int send(Update update, TSIG key) throws Exception {
        SimpleResolver resolver = new SimpleResolver(bind.address());
        resolver.setTCP(true);
        resolver.setTimeout(Duration.ofSeconds(5));
        resolver.setTSIGKey(key);
        Message answer = resolver.send(update);
        return answer.getRcode();
    }

    @Test
    void withTheCnameMissingOrWrongNoOrderIsPlacedAndTheStatusSaysWhatToCreate(@TempDir Path dir) throws Exception {
        MutableClock clock = MutableClock.startingNow();
        ManualScheduler scheduler = new ManualScheduler(clock);
        RecordingListener events = new RecordingListener();
        long ordersBefore = pebble.orders();
        try (Site site = Site.start(site(dir, clock, scheduler, events, "missing.example.test", "wrong.example.test"))) {
            scheduler.runDue();
            assertThat(pebble.orders() - ordersBefore).as("no order while the CNAME is missing or wrong").isZero();
            assertThat(events.obtained).isEmpty();
            assertThat(events.failures).hasSize(2).allSatisfy(failure -> {
                assertThat(failure.cause()).isInstanceOf(PreflightException.class);
                assertThat(failure.nextAttempt()).isBefore(clock.instant().plusSeconds(61));
            });
            List<CertificateStatus> status = site.autoTls.status();
            assertThat(status.get(0).ownerAction()).hasValueSatisfying(sentence -> assertThat(sentence)
                    .contains("_acme-challenge.missing.example.test has no CNAME yet. Add this record once: "
                            + "_acme-challenge.missing.example.test. CNAME missing.example.test.alias.test."));
            assertThat(status.get(1).ownerAction()).hasValueSatisfying(sentence -> assertThat(sentence)
                    .contains("_acme-challenge.wrong.example.test points to elsewhere.invalid, not into the alias zone "
                            + "alias.test. Change it to: _acme-challenge.wrong.example.test. CNAME wrong.example.test.alias.test."));

            assertThat(site.autoTls.requiredRecords()).containsExactly(
                    "; for rfc2136 (this host's TSIG key acme-alias can change only TXT records in alias.test, wildcards too), add once:",
                    "_acme-challenge.missing.example.test. CNAME missing.example.test.alias.test.",
                    "; and in the named.conf of 127.0.0.1:" + bind.port() + ", limit the key to TXT records in alias.test:",
                    "; zone \"alias.test\" { type primary; file \"alias.test.zone\"; update-policy { grant acme-alias zonesub TXT; }; };",
                    "; for rfc2136 (this host's TSIG key acme-alias can change only TXT records in alias.test, wildcards too), add once:",
                    "_acme-challenge.wrong.example.test. CNAME wrong.example.test.alias.test.",
                    "; and in the named.conf of 127.0.0.1:" + bind.port() + ", limit the key to TXT records in alias.test:",
                    "; zone \"alias.test\" { type primary; file \"alias.test.zone\"; update-policy { grant acme-alias zonesub TXT; }; };");
        }
    }

    @Test
    void aKeyWhoseSecretTheServerDoesNotHoldIsReportedBeforeAnyOrder(@TempDir Path dir) throws Exception {
        MutableClock clock = MutableClock.startingNow();
        ManualScheduler scheduler = new ManualScheduler(clock);
        RecordingListener events = new RecordingListener();
        String otherSecret = Base64.getEncoder().encodeToString(new byte[32]);
        long ordersBefore = pebble.orders();
        try (Site site = Site.start(site(dir, clock, scheduler, events, "example.test")
                .set(Setting.RFC2136_TSIG, "hmac-sha256:" + Bind.KEY_NAME + ":" + otherSecret))) {
            scheduler.runDue();
            assertThat(pebble.orders() - ordersBefore).isZero();
            assertThat(events.failures).singleElement().satisfies(failure -> assertThat(failure.cause())
                    .isInstanceOf(PreflightException.class)
                    .hasMessageContaining("holds another secret or algorithm for the TSIG key acme-alias")
                    .hasMessageNotContaining(otherSecret));
        }
    }

    @Test
    void doctorReportsTheCnameAndTheKey(@TempDir Path dir) throws Exception {
        AutoTls autoTls = site(dir, MutableClock.startingNow(), new ManualScheduler(MutableClock.startingNow()),
                new RecordingListener(), "example.test", "missing.example.test").build();
        List<Doctor.Finding> findings = new Doctor(autoTls.getBean(Assembly.class)).examine();
        assertThat(findings).anySatisfy(finding -> {
            assertThat(finding.level()).isEqualTo(Doctor.Level.OK);
            assertThat(finding.text()).startsWith("example.test (rfc2136): rfc2136 can validate");
        }).anySatisfy(finding -> {
            assertThat(finding.level()).isEqualTo(Doctor.Level.FAIL);
            assertThat(finding.text()).startsWith("missing.example.test (rfc2136): _acme-challenge.missing.example.test has no CNAME yet");
        });
    }

    @Test
    void autoUsesTheRfc2136AliasWhenNoDnsPersistRecordIsThere(@TempDir Path dir) throws Exception {
        MutableClock clock = MutableClock.startingNow();
        ManualScheduler scheduler = new ManualScheduler(clock);
        RecordingListener events = new RecordingListener();
        try (Site site = Site.start(site(dir, clock, scheduler, events, "auto.example.test").challenge("auto")
                .set(Setting.HTTP_PORT, "off"))) {
            scheduler.runDue();
            assertThat(events.obtained).as("failures: %s", events.failures).hasSize(1);
            assertThat(site.autoTls.status().get(0).strategy()).isEqualTo("rfc2136");
            List<String> records = site.autoTls.requiredRecords();
            assertThat(records).as("auto's heading replaces the strategy's own").noneMatch(line -> line.startsWith("; for rfc2136"));
            assertThat(records.subList(records.size() - 4, records.size())).containsExactly(
                    "; or, for rfc2136 (a TSIG key limited to TXT records in the alias zone stays on this host, wildcards too), add once:",
                    "_acme-challenge.auto.example.test. CNAME auto.example.test.alias.test.",
                    "; and in the named.conf of 127.0.0.1:" + bind.port() + ", limit the key to TXT records in alias.test:",
                    "; zone \"alias.test\" { type primary; file \"alias.test.zone\"; update-policy { grant acme-alias zonesub TXT; }; };");
        }
        assertThat(bind.txt("auto.example.test." + ALIAS_ZONE)).isEmpty();
    }
}
