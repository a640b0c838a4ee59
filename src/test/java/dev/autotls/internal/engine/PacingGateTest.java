package dev.autotls.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.CertificateStatus;
import dev.autotls.internal.acme.RateLimitedException;
import dev.autotls.internal.config.CaList;
import dev.autotls.internal.config.OrderLimits;
import dev.autotls.internal.config.RateLimit;
import dev.autotls.internal.engine.pacing.OrderPacing;
import dev.autotls.internal.ops.StatusView;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The one gate before a new order, on the production engine over an in-memory store and a moved
 * clock: a job the queue does not admit places no order and looks again at its expected start; two
 * instances sharing the store stay within the limit together; a 429 pauses the account for its
 * Retry-After while an ARI renewal (exempt) goes on.
 */
class PacingGateTest {

    private static OrderPacing pacing(Engine engine, OrderLimits limits) {
        CaList.Endpoint ca = new CaList.Endpoint(1, URI.create(engine.issuer().id()), Optional.empty(), Optional.empty(),
                Optional.empty(), limits);
        return OrderPacing.of(List.of(ca), engine.store, engine.clock, new java.util.Random(3));
    }

    private static OrderLimits perMinute(int count) {
        return new OrderLimits(Optional.of(new RateLimit(count, Duration.ofMinutes(1))), Optional.empty());
    }

    @Test
    void twoInstancesOrderNoFasterThanTheLimitTogetherAndTheWaitingSayTheirPlace() {
        Engine a = new Engine().certificate("n1.example.com").certificate("n2.example.com").certificate("n3.example.com")
                .certificate("n4.example.com").build();
        Engine b = a.sibling().certificate("n1.example.com").certificate("n2.example.com").certificate("n3.example.com")
                .certificate("n4.example.com").build();
        OrderPacing pacingA = pacing(a, perMinute(2));
        a.manager.paceOrders(pacingA);
        b.manager.paceOrders(pacing(b, perMinute(2)));
        a.manager.start(a.scheduler, Runnable::run);
        b.manager.start(b.scheduler, Runnable::run);
        a.runDue();
        b.runDue();
        assertThat(a.issuer().orders.size() + b.issuer().orders.size()).as("first asks only gather").isZero();
        a.advance(Duration.ofSeconds(3));
        b.runDue();
        assertThat(a.issuer().orders.size() + b.issuer().orders.size()).as("two a minute, both instances together").isEqualTo(2);
        ManagedCertificate waiting = a.manager.certificates().stream().filter(c -> !a.servesIssued(c.firstName())
                && !b.servesIssued(c.firstName())).findFirst().orElseThrow();
        CertificateStatus status = StatusView.of(waiting, a.clock.instant(), pacingA.place(waiting.firstName()));
        assertThat(status.queuePosition()).isPresent();
        assertThat(status.expectedStart()).hasValueSatisfying(start -> assertThat(start).isAfter(a.clock.instant()));
        assertThat(waiting.state().last().outcome()).contains("waiting in the CA account's order queue at place");
        assertThat(waiting.state().nextAttempt()).as("looked at again at its expected start, not before")
                .isAfterOrEqualTo(status.expectedStart().get());
        for (int second = 0; second < 55; second++) {
            a.advance(Duration.ofSeconds(1));
            b.runDue();
        }
        assertThat(a.issuer().orders.size() + b.issuer().orders.size()).as("no third order within the minute").isEqualTo(2);
        for (int second = 0; second < 70; second++) {
            a.advance(Duration.ofSeconds(1));
            b.runDue();
        }
        assertThat(a.issuer().orders.size() + b.issuer().orders.size()).as("the next two a minute later").isEqualTo(4);
        List<String> ordered = new java.util.ArrayList<>();
        a.issuer().orders.forEach(names -> ordered.add(names.get(0)));
        b.issuer().orders.forEach(names -> ordered.add(names.get(0)));
        assertThat(ordered).as("none twice").doesNotHaveDuplicates();
    }

    @Test
    void anAskThatFindsTheQueueBusyWaitsAMomentInsteadOfHoldingAWorker() throws Exception {
        Engine engine = new Engine().certificate("n1.example.com").build();
        engine.manager.paceOrders(pacing(engine, perMinute(5)));
        String lock = dev.autotls.internal.store.StorageKeys.pacingLock(
                dev.autotls.internal.store.StorageKeys.caFolder(URI.create(engine.issuer().id())));
        ManagedCertificate certificate;
        try (dev.autotls.spi.Lease held = engine.store.locker().tryAcquire(lock).orElseThrow()) { // another instance deciding
            engine.manager.start(engine.scheduler, Runnable::run);
            engine.runDue();
            certificate = engine.managed("n1.example.com");
            assertThat(certificate.state().last().outcome()).contains("busy");
            assertThat(certificate.state().nextAttempt()).as("asks again within two seconds")
                    .isAfter(engine.clock.instant()).isBefore(engine.clock.instant().plusSeconds(2));
        }
        engine.advance(Duration.ofSeconds(2)); // the busy retry's ask gathers for 2 s
        engine.advance(Duration.ofSeconds(3));
        assertThat(engine.servesIssued("n1.example.com")).isTrue();
    }

    @Test
    void a429PausesNewOrdersButAnAriRenewalGoesOnUncounted() throws Exception {
        Engine engine = new Engine().certificate("renew.example.com").start();
        engine.runDue();
        assertThat(engine.servesIssued("renew.example.com")).isTrue();
        engine.issuer().announcingReplacements(true);
        OrderPacing pacing = pacing(engine, perMinute(1));
        engine.manager.paceOrders(pacing);
        Instant pausedUntil = engine.clock.instant().plus(Duration.ofHours(1));
        engine.issuer().failNext(new RateLimitedException("the CA rate-limits this request", null, pausedUntil,
                "too many new orders (300) from this account in the last 3h0m0s", List.of()));
        engine.set.manage(List.of("new.example.com"));
        engine.runDue(); // its first ask gathers for 2 s
        engine.advance(Duration.ofSeconds(3));
        assertThat(engine.issuer().orders).as("the new name's order met the 429").hasSize(2);
        engine.advance(Duration.ofSeconds(3));
        ManagedCertificate fresh = engine.managed("new.example.com");
        assertThat(fresh.state().nextAttempt()).isAfterOrEqualTo(pausedUntil);
        assertThat(engine.rotation.lanes().get(0).circuit().isOpen()).as("the CA's circuit stays closed").isFalse();

        engine.manager.renewNow("renew.example.com"); // renewed during the pause: an ARI replacement, exempt
        engine.runDue();
        assertThat(engine.issuer().orders).hasSize(3);
        assertThat(engine.issuer().replaced.get(2)).isPresent();
        engine.advance(Duration.ofMinutes(30));
        assertThat(engine.issuer().orders).as("nothing new during the pause").hasSize(3);
        engine.clock.set(pausedUntil.plusSeconds(2));
        engine.runDue(); // asks again after the pause: gathers for 2 s as any first ask
        engine.advance(Duration.ofSeconds(3));
        assertThat(engine.servesIssued("new.example.com")).isTrue();
    }

    @Test
    void aRenewalWhoseReplacementTheCaRefusesWaitsOutThePauseAsANewOrderAndAsksNoMore() throws Exception {
        Engine engine = new Engine().certificate("renew.example.com").start();
        engine.runDue();
        assertThat(engine.servesIssued("renew.example.com")).isTrue();
        engine.issuer().announcingReplacements(true).refusingReplacements(true, true);
        OrderPacing pacing = pacing(engine, perMinute(1));
        engine.manager.paceOrders(pacing);
        Instant pausedUntil = engine.clock.instant().plus(Duration.ofHours(1));
        pacing.rateLimited(engine.issuer().id(), List.of("other.example.com"), new RateLimitedException("the CA rate-limits "
                + "this request", null, pausedUntil, "too many new orders (300) from this account in the last 3h0m0s", List.of()));

        engine.manager.renewNow("renew.example.com");
        engine.runDue();
        assertThat(engine.issuer().orders).as("the first order and the refused replacement").hasSize(2);
        assertThat(engine.issuer().replaced.get(1)).isPresent();
        ManagedCertificate renewing = engine.managed("renew.example.com");
        assertThat(renewing.state().nextAttempt()).as("waits in the queue for the pause's end").isAfterOrEqualTo(pausedUntil);
        engine.advance(Duration.ofMinutes(30));
        assertThat(engine.issuer().orders).as("no order during the pause").hasSize(2);

        engine.clock.set(pausedUntil.plusSeconds(2));
        engine.runDue();
        engine.advance(Duration.ofSeconds(3));
        assertThat(engine.issuer().orders).as("renewed once the pause is over").hasSize(3);
        assertThat(engine.issuer().replaced.get(2)).as("without asking the refused question again").isEmpty();
        assertThat(renewing.state().current().serial()).isNotEqualTo(engine.issuer().replaced.get(1).orElseThrow().getSerialNumber());
        assertThat(pacing.accounts().get(0).admitted()).as("one order admitted: the refused replacement made none").isEqualTo(1);
    }

    @Test
    void aRefusalNotAboutTheReplacementRenewsAsANewOrderNowAndNamesTheReplacedCertificateAgainNextTime() throws Exception {
        Engine engine = new Engine().certificate("renew.example.com").start();
        engine.runDue();
        engine.issuer().announcingReplacements(true).refusingReplacements(true, false); // a failing CA, or Pebble's quirk
        OrderPacing pacing = pacing(engine, perMinute(10));
        engine.manager.paceOrders(pacing);

        engine.manager.renewNow("renew.example.com");
        engine.runDue();
        engine.advance(Duration.ofSeconds(3)); // the new order's first ask gathers for 2 s
        assertThat(engine.issuer().orders).as("the first order, the refused replacement, the new order").hasSize(3);
        assertThat(engine.issuer().replaced.get(2)).isEmpty();
        assertThat(pacing.accounts().get(0).inWindow()).as("counted in the window as a new order").isEqualTo(1);

        engine.issuer().refusingReplacements(false, false);
        engine.manager.renewNow("renew.example.com");
        engine.runDue();
        assertThat(engine.issuer().orders).hasSize(4);
        assertThat(engine.issuer().replaced.get(3)).as("the next renewal names what it replaces again").isPresent();
        assertThat(pacing.accounts().get(0).inWindow()).as("and goes uncounted").isEqualTo(1);
    }
}
