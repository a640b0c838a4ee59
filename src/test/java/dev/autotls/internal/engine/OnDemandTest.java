package dev.autotls.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.CertificateStatus;
import dev.autotls.OnDemandPermission;
import dev.autotls.internal.config.OnDemandConfig;
import dev.autotls.internal.config.RateLimit;
import dev.autotls.internal.ondemand.OnDemand;
import dev.autotls.internal.ondemand.OnDemandCounters;
import dev.autotls.internal.store.ManagedNames;
import dev.autotls.internal.store.ManagedNamesFile;
import dev.autotls.internal.tls.CertifiedKey;
import dev.autotls.internal.tls.HandshakeWait;
import dev.autotls.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * On demand over the engine's fakes (production wiring, a fake issuer, an in-memory store, a moved
 * clock): admission at the site's order limit, the handshake path's refusals and its one wait, and
 * the permission asked again before renewal.
 */
class OnDemandTest {
    private static final RateLimit TWO_PER_20S = RateLimit.parse("2/20s");

    /** A check in code whose answers the test sets; null means it never answers. */
    private final Map<String, Optional<Boolean>> answers = new ConcurrentHashMap<>();
    private final AtomicInteger asked = new AtomicInteger();
    /** The stages of checks that have not answered (yet), which a test may complete. */
    private final List<CompletableFuture<Boolean>> unanswered = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final OnDemandPermission permission = (name, client) -> {
        asked.incrementAndGet();
        Optional<Boolean> answer = answers.getOrDefault(name, Optional.of(false));
        return answer.<CompletionStage<Boolean>>map(CompletableFuture::completedFuture).orElseGet(() -> {
            CompletableFuture<Boolean> pending = new CompletableFuture<>();
            unanswered.add(pending);
            return pending;
        });
    };

    /** {@code autotls.on-demand.max-names} of the next {@link #wire}. */
    private int maxNames = 10_000;

    private OnDemand wire(Engine engine, Duration wait, int waiting, String perClient) {
        return wire(engine, wait, waiting, perClient, permission);
    }

    private OnDemand wire(Engine engine, Duration wait, int waiting, String perClient, OnDemandPermission permission) {
        OnDemandConfig config = new OnDemandConfig(true, Optional.empty(), RateLimit.parse(perClient), wait, waiting, TWO_PER_20S,
                maxNames);
        OnDemand onDemand = OnDemand.wire(config, permission, engine.set, engine.manager, engine.registry, engine.clock, new Listeners());
        onDemand.start(engine.scheduler, Runnable::run);
        return onDemand;
    }

    @Test
    void namesAreAdmittedAtTheSitesOrderLimitCountedInTheStoreByEveryInstance() throws Exception {
        Engine a = new Engine().certificate("site.test").certificate("*.wild.test").start();
        Engine b = a.sibling().certificate("site.test").certificate("*.wild.test").start();

        ManagedSet.Admission first = a.set.admitOnDemand(List.of("x1.test", "x2.test", "x3.test", "site.test"), TWO_PER_20S);
        assertThat(first.admitted()).containsExactly("x1.test", "x2.test");
        assertThat(first.nextSlot()).contains(Engine.T0.plus(Duration.ofSeconds(20)));
        ManagedSet.Admission other = b.set.admitOnDemand(List.of("x3.test", "wild.test"), TWO_PER_20S);
        assertThat(other.admitted()).as("the other instance counts the same admissions").isEmpty();
        assertThat(other.unusable()).containsOnlyKeys("wild.test");
        assertThat(other.unusable().get("wild.test")).contains("*.wild.test").contains("manage");
        assertThat(b.set.names()).as("and manages what the first admitted").contains("x1.test", "x2.test");

        ManagedNames stored = new ManagedNamesFile(a.store).load();
        assertThat(stored.onDemand()).extracting(ManagedNames.OnDemand::name).containsExactly("x1.test", "x2.test");
        assertThat(a.set.origin("x1.test")).isEqualTo(CertificateStatus.Origin.ON_DEMAND);
        a.runDue();
        assertThat(a.servesIssued("x1.test")).isTrue();
        assertThat(a.managed("x1.test").origins).containsEntry("x1.test", CertificateStatus.Origin.ON_DEMAND);

        a.clock.advance(Duration.ofSeconds(20));
        assertThat(b.set.admitOnDemand(List.of("x3.test"), TWO_PER_20S).admitted()).as("a slot opened").containsExactly("x3.test");

        a.set.manage(List.of("x1.test")).toCompletableFuture();
        assertThat(a.set.isOnDemand("x1.test")).as("managed explicitly: no longer on demand").isFalse();
        assertThat(a.set.origin("x1.test")).isEqualTo(CertificateStatus.Origin.MANAGED);
        assertThat(a.managed("x1.test").origins).as("its certificate follows").containsEntry("x1.test",
                CertificateStatus.Origin.MANAGED);
        assertThat(a.servesIssued("x1.test")).as("still served from the store").isTrue();
        a.advance(CertificateManager.START_SPREAD);
        assertThat(a.issuer().orders.stream().filter(o -> o.equals(List.of("x1.test"))).count()).as("no new order").isEqualTo(1);
        a.set.unmanage(List.of("x2.test"));
        assertThat(new ManagedNamesFile(a.store).load().onDemand()).extracting(ManagedNames.OnDemand::name)
                .containsExactly("x3.test");
    }

    @Test
    void renewalAsksThePermissionAgainARefusalUnmanagesAndNoAnswerRenews() throws Exception {
        Engine engine = new Engine().certificate("site.test").start();
        wire(engine, Duration.ofMillis(300), 4, "20/1m");
        answers.put("kept.test", Optional.of(true));
        answers.put("dropped.test", Optional.of(true));
        answers.put("quiet.test", Optional.of(true));
        engine.set.admitOnDemand(List.of("kept.test", "dropped.test"), RateLimit.parse("10/1m"));
        engine.set.admitOnDemand(List.of("quiet.test"), RateLimit.parse("10/1m"));
        engine.runDue();
        assertThat(engine.servesIssued("kept.test") && engine.servesIssued("dropped.test") && engine.servesIssued("quiet.test")).isTrue();
        assertThat(asked).as("asked before each first order").hasValue(3);

        answers.put("dropped.test", Optional.of(false));
        answers.put("quiet.test", Optional.empty()); // never answers
        engine.advance(Duration.ofDays(80)); // past every renewal window, the cached yes long expired

        assertThat(engine.set.names()).as("refused at renewal: unmanaged").containsExactly("site.test", "kept.test", "quiet.test");
        assertThat(engine.registry.lookup("dropped.test")).as("and no longer served").isEmpty();
        assertThat(new ManagedNamesFile(engine.store).load().names()).doesNotContain("dropped.test");
        assertThat(engine.issuer().orders).as("kept and quiet renewed, dropped not").containsSubsequence(
                List.of("kept.test"), List.of("quiet.test")).filteredOn(o -> o.equals(List.of("dropped.test"))).hasSize(1);
        assertThat(engine.issuer().orders.stream().filter(o -> o.equals(List.of("kept.test"))).count()).isEqualTo(2);
        assertThat(engine.issuer().orders.stream().filter(o -> o.equals(List.of("quiet.test"))).count())
                .as("no answer is no reason to drop it").isEqualTo(2);
    }

    @Test
    void invalidNamesAreRefusedWithoutAskingAndManagedNamesKeepTheirTemporaryCertificate() throws Exception {
        Engine engine = new Engine().certificate("conf.test").start();
        OnDemand onDemand = wire(engine, Duration.ofSeconds(5), 4, "20/1m");
        HandshakeWait handshakes = onDemand.handshakes();
        for (String sent : List.of("*.w.test", "127.0.0.1", "::1", "a".repeat(250) + ".test", "bad_name.test", "single")) {
            assertThat(handshakes.serve(sent, null, "192.0.2.1")).as("'%s'", sent).isNull();
        }
        assertThat(asked).as("nobody asked").hasValue(0);
        assertThat(onDemand.counters().refused("invalid_name")).isEqualTo(6);

        CertifiedKey temporary = engine.registry.lookup("conf.test").orElseThrow();
        assertThat(temporary.selfSigned()).isTrue();
        assertThat(handshakes.serve("conf.test", temporary, "192.0.2.1")).as("a configured name, as before").isSameAs(temporary);
        assertThat(handshakes.serve("refused.test", null, "192.0.2.1")).isNull();
        assertThat(handshakes.serve("refused.test", null, "192.0.2.2")).as("cached").isNull();
        assertThat(asked).hasValue(1);
        assertThat(onDemand.counters().refused("permission")).isEqualTo(2);
    }

    @Test
    void anAllowedNameWaitsForItsCertificateAndBeyondTheCapHandshakesFailAtOnce() throws Exception {
        Engine engine = new Engine().certificate("conf.test").start();
        OnDemand onDemand = wire(engine, Duration.ofSeconds(30), 1, "20/1m");
        HandshakeWait handshakes = onDemand.handshakes();
        answers.put("new.test", Optional.of(true));
        answers.put("other.test", Optional.of(true));

        CompletableFuture<CertifiedKey> waiting = CompletableFuture.supplyAsync(() -> handshakes.serve("new.test", null, "192.0.2.1"));
        Await.until("the handshake to wait", Duration.ofSeconds(10), () -> onDemand.counters().waiting() == 1);
        assertThat(handshakes.serve("other.test", null, "192.0.2.1")).as("beyond autotls.on-demand.waiting").isNull();
        assertThat(onDemand.counters().refused("waiting_full")).isEqualTo(1);

        Await.until("its admission to be scheduled", Duration.ofSeconds(10), () -> engine.runDue() > 0 && engine.set.names()
                .contains("new.test"));
        engine.runDue(); // its first order
        CertifiedKey served = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(served.selfSigned()).isFalse();
        assertThat(served.names()).containsExactly("new.test");
        assertThat(onDemand.counters().waiting()).isZero();
        assertThat(engine.issuer().orders).contains(List.of("new.test"));
    }

    @Test
    void aHandshakeThatWaitsTooLongFailsAndTheNameIsStillOrderedOnce() throws Exception {
        Engine engine = new Engine().certificate("conf.test").start();
        OnDemand onDemand = wire(engine, Duration.ofMillis(200), 4, "20/1m");
        answers.put("slow.test", Optional.of(true));

        assertThat(onDemand.handshakes().serve("slow.test", null, "192.0.2.1")).as("nothing ran the admission in time").isNull();
        assertThat(onDemand.counters().refused("not_obtained")).isEqualTo(1);
        engine.runDue(); // the admission, queued although the handshake gave up
        engine.runDue();
        assertThat(engine.servesIssued("slow.test")).isTrue();
        CertifiedKey served = onDemand.handshakes().serve("slow.test", engine.registry.lookup("slow.test").orElseThrow(), "192.0.2.1");
        assertThat(served.selfSigned()).isFalse();
        assertThat(engine.issuer().orders.stream().filter(o -> o.equals(List.of("slow.test"))).count()).isEqualTo(1);
        OnDemandCounters counters = onDemand.counters();
        assertThat(counters.refusedByReason()).containsKeys("invalid_name", "client_limit", "permission", "waiting_full", "not_obtained");
        assertThat(counters.checksAsked()).isEqualTo(1);
        onDemand.stop();
    }

    @Test
    void noCheckStartsForAHandshakeBeyondTheWaitingCap() throws Exception {
        Engine engine = new Engine().certificate("conf.test").start();
        OnDemand onDemand = wire(engine, Duration.ofSeconds(30), 1, "20/1m");
        answers.put("slow.test", Optional.empty()); // answers when the test says

        CompletableFuture<CertifiedKey> first = CompletableFuture.supplyAsync(() -> onDemand.handshakes().serve("slow.test", null,
                "192.0.2.1"));
        Await.until("the first handshake to wait for its check", Duration.ofSeconds(10), () -> unanswered.size() == 1);
        assertThat(onDemand.handshakes().serve("other.test", null, "192.0.2.2")).as("beyond autotls.on-demand.waiting").isNull();
        assertThat(onDemand.counters().refused("waiting_full")).isEqualTo(1);
        assertThat(asked).as("the refused handshake caused no check").hasValue(1);

        unanswered.get(0).complete(false);
        assertThat(first.get(10, java.util.concurrent.TimeUnit.SECONDS)).isNull();
        assertThat(onDemand.counters().refused("permission")).isEqualTo(1);
    }

    @Test
    void aCheckInCodeThatBlocksRunsOffTheHandshakeThreadAndTheHandshakeGivesUpAtItsWait() throws Exception {
        Engine engine = new Engine().certificate("conf.test").start();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<String> ranOn = new java.util.concurrent.CopyOnWriteArrayList<>();
        OnDemand onDemand = wire(engine, Duration.ofMillis(300), 4, "20/1m", (name, client) -> {
            ranOn.add(Thread.currentThread().getName());
            try {
                release.await(10, java.util.concurrent.TimeUnit.SECONDS); // a synchronous database look-up that hangs
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CompletableFuture.completedFuture(true);
        });
        try {
            long started = System.nanoTime();
            assertThat(onDemand.handshakes().serve("hangs.test", null, "192.0.2.1")).isNull();
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(took).as("bounded by autotls.on-demand.wait, not by the check").isLessThan(Duration.ofSeconds(5));
            Await.until("the check to have started", Duration.ofSeconds(10), () -> !ranOn.isEmpty());
            assertThat(ranOn).noneMatch(name -> name.equals(Thread.currentThread().getName()));
            assertThat(onDemand.counters().refused("permission")).as("no answer in time").isEqualTo(1);
        } finally {
            release.countDown();
        }
    }

    @Test
    void aCachedAnswerCostsTheClientNothing() throws Exception {
        Engine engine = new Engine().certificate("conf.test").start();
        OnDemand onDemand = wire(engine, Duration.ofSeconds(5), 4, "1/1m");
        assertThat(onDemand.handshakes().serve("no.test", null, "192.0.2.1")).isNull();
        assertThat(onDemand.handshakes().serve("no.test", null, "192.0.2.1")).as("cached: no check").isNull();
        assertThat(onDemand.counters().refused("permission")).isEqualTo(2);
        assertThat(onDemand.handshakes().serve("no2.test", null, "192.0.2.1")).isNull();
        assertThat(onDemand.counters().refused("client_limit")).as("the second check within the minute").isEqualTo(1);
        assertThat(asked).hasValue(1);
    }

    @Test
    void aRenewalReadsTheSetAgainAndANameManagedExplicitlyElsewhereIsRenewedNotAsked() throws Exception {
        Engine a = new Engine().certificate("site.test").start();
        Engine b = a.sibling().certificate("site.test").start();
        wire(a, Duration.ofMillis(300), 4, "20/1m");
        answers.put("kept.test", Optional.of(true));
        a.set.admitOnDemand(List.of("kept.test"), RateLimit.parse("10/1m"));
        a.runDue();
        assertThat(a.servesIssued("kept.test")).isTrue();
        b.set.manage(List.of("kept.test")); // a customer's name the platform now manages itself
        answers.put("kept.test", Optional.of(false)); // the endpoint no longer lists it
        int asks = asked.get();
        a.store.failLoads(dev.autotls.internal.store.StorageKeys.MANAGED_NAMES, 1); // A's sync misses the change

        a.advance(Duration.ofDays(80));

        assertThat(new ManagedNamesFile(a.store).load().names()).as("still managed").contains("kept.test");
        assertThat(a.set.names()).contains("kept.test");
        assertThat(a.set.isOnDemand("kept.test")).isFalse();
        assertThat(asked).as("not on demand any more: not asked").hasValue(asks);
        assertThat(a.issuer().orders.stream().filter(o -> o.equals(List.of("kept.test"))).count()).as("renewed").isEqualTo(2);
    }

    @Test
    void aNameAdmittedAgainOnDemandIsNoLongerRetired() throws Exception {
        Engine engine = new Engine().certificate("site.test").start();
        engine.set.admitOnDemand(List.of("again.test"), RateLimit.parse("10/1m"));
        engine.runDue();
        engine.set.unmanage(List.of("again.test"));
        assertThat(new ManagedNamesFile(engine.store).load().retired()).extracting(ManagedNames.Retired::firstName)
                .containsExactly("again.test");

        engine.set.admitOnDemand(List.of("again.test"), RateLimit.parse("10/1m"));

        assertThat(new ManagedNamesFile(engine.store).load().retired()).as("its files are in use again").isEmpty();
    }

    @Test
    void whileAHandshakeWaitsThePollReadsACertificateOnlyWhenItsStoredVersionChangesAndStopsWhenNobodyWaits() throws Exception {
        Engine a = new Engine().certificate("site.test").start();
        OnDemand onDemand = wire(a, Duration.ofSeconds(30), 4, "20/1m");
        a.set.admitOnDemand(List.of("polled.test"), RateLimit.parse("10/1m"));
        // another instance holds its lease and orders it: this one only waits and polls
        dev.autotls.spi.Lease other = a.store.tryAcquire(a.files.lockName("polled.test")).orElseThrow();
        String metadata = a.files.versionKey("polled.test");
        java.util.function.IntSupplier reads = () -> a.store.reads.getOrDefault(metadata, new AtomicInteger()).get();
        CertifiedKey temporary = a.registry.lookup("polled.test").orElseThrow();
        CompletableFuture<CertifiedKey> handshake = CompletableFuture.supplyAsync(() -> onDemand.handshakes().serve("polled.test",
                temporary, "192.0.2.1"));
        Await.until("the handshake to wait", Duration.ofSeconds(10), () -> onDemand.counters().waiting() == 1);
        int before = reads.getAsInt();

        for (int i = 0; i < 6; i++) {
            a.advance(Duration.ofMillis(500));
        }
        assertThat(reads.getAsInt()).as("six polls, nothing stored: no certificate read").isEqualTo(before);

        dev.autotls.internal.acme.IssuedCertificate issued = a.issuer().obtain(List.of("polled.test"), Engine.STRATEGY,
                dev.autotls.internal.tls.KeyType.EC256, Optional.empty());
        a.files.save(new dev.autotls.internal.store.StoredCertificate(issued.names(), issued.keyPair(), issued.chain(),
                a.clock.instant()), other);
        a.advance(Duration.ofMillis(500));

        CertifiedKey served = handshake.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(served.selfSigned()).isFalse();
        assertThat(reads.getAsInt()).as("read once, when its version changed").isEqualTo(before + 1);
        for (int i = 0; i < 4; i++) {
            a.advance(Duration.ofMillis(500));
        }
        assertThat(reads.getAsInt()).as("nobody waits any more: not read again").isEqualTo(before + 1);
        other.close();
    }

    @Test
    void beyondMaxNamesNoNameIsAskedForOrAdmitted() throws Exception {
        Engine engine = new Engine().certificate("site.test").start();
        maxNames = 1;
        OnDemand onDemand = wire(engine, Duration.ofSeconds(5), 4, "20/1m");
        answers.put("first.test", Optional.of(true));
        answers.put("second.test", Optional.of(true));
        ManagedSet.Admission admission = engine.set.admitOnDemand(List.of("first.test", "second.test"), RateLimit.parse("10/1m"), 1);
        assertThat(admission.admitted()).containsExactly("first.test");
        assertThat(admission.unusable().get("second.test")).isEqualTo("the site manages 1 names obtained on demand already "
                + "(autotls.on-demand.max-names); unmanage some, or raise it");

        assertThat(onDemand.handshakes().serve("third.test", null, "192.0.2.1")).isNull();
        assertThat(onDemand.counters().refused("max_names")).isEqualTo(1);
        assertThat(asked).as("nobody asked for a name that cannot be admitted").hasValue(0);
    }

    @Test
    void aNameObtainedOnDemandWhoseFirstOrderNeedsItsOwnerIsUnmanagedButAManagedOneStays() throws Exception {
        Engine engine = new Engine().certificate("site.test").start();
        wire(engine, Duration.ofSeconds(5), 4, "20/1m");
        engine.set.admitOnDemand(List.of("elsewhere.test"), RateLimit.parse("10/1m"));
        engine.issuer().failNext(new dev.autotls.spi.OwnerActionException("elsewhere.test does not point at this server", null));
        engine.runDue();

        assertThat(engine.set.names()).as("its DNS points elsewhere: dropped").doesNotContain("elsewhere.test");
        assertThat(new ManagedNamesFile(engine.store).load().names()).doesNotContain("elsewhere.test");
        assertThat(engine.registry.lookup("elsewhere.test")).isEmpty();

        answers.put("renewing.test", Optional.of(true));
        engine.set.admitOnDemand(List.of("renewing.test"), RateLimit.parse("10/1m"));
        engine.runDue(); // obtained once
        engine.issuer().failNext(new dev.autotls.spi.OwnerActionException("a CAA record forbids the CA", null));
        engine.manager.renewNow("renewing.test");
        engine.runDue();
        assertThat(engine.set.names()).as("obtained once: its certificate still serves, it stays").contains("renewing.test");
    }

    @Test
    void aNameObtainedOnDemandWhoseOrdersFailIsRefusedAtOnceWhileItBacksOff() throws Exception {
        Engine engine = new Engine().certificate("site.test").start();
        engine.runDue(); // the configured name's order
        OnDemand onDemand = wire(engine, Duration.ofSeconds(30), 4, "20/1m");
        answers.put("backoff.test", Optional.of(true));
        engine.set.admitOnDemand(List.of("backoff.test"), RateLimit.parse("10/1m"));
        engine.issuer().failNext(new dev.autotls.spi.TransientException("the CA did not answer", null));
        engine.runDue();
        CertifiedKey temporary = engine.registry.lookup("backoff.test").orElseThrow();

        long started = System.nanoTime();
        assertThat(onDemand.handshakes().serve("backoff.test", temporary, "192.0.2.1")).as("no temporary certificate").isNull();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("at once, not after the 30 s wait")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(onDemand.counters().refused("not_obtained")).isEqualTo(1);
        assertThat(onDemand.counters().waiting()).isZero();
    }
}
