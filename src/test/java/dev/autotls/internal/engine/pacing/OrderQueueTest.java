package dev.autotls.internal.engine.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.config.OrderLimits;
import dev.autotls.internal.config.RateLimit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The queue's decision, pure: urgency, the account's and the domains' windows, pauses, places and expected starts. */
class OrderQueueTest {
    private static final long T0 = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
    private static final OrderLimits TEN_PER_20S = new OrderLimits(Optional.of(new RateLimit(10, Duration.ofSeconds(20))),
            Optional.empty());

    private static OrderQueue.Request renewal(String name, long expires) {
        return new OrderQueue.Request(name, List.of(RegisteredDomains.of(name)), Urgency.RENEWAL, expires);
    }

    private static OrderQueue.Request fresh(String name) {
        return new OrderQueue.Request(name, List.of(RegisteredDomains.of(name)), Urgency.OTHER, 0);
    }

    private static OrderQueue.Request waitedFor(String name) {
        return new OrderQueue.Request(name, List.of(RegisteredDomains.of(name)), Urgency.WAITED_FOR, 0);
    }

    /** Asks for {@code request} at {@code now} on {@code record}; the outcome. */
    private static OrderQueue.Outcome ask(QueueRecord record, OrderQueue.Request request, OrderLimits limits, long now) {
        return OrderQueue.decide(record, request, limits, now);
    }

    @Test
    void aRenewalGoesAtOnceWhileTheWindowHasRoom() {
        OrderQueue.Outcome outcome = ask(QueueRecord.EMPTY, renewal("a.example.com", T0 + 86_400_000), TEN_PER_20S, T0);
        assertThat(outcome.decision()).isInstanceOf(OrderQueue.Admitted.class);
        assertThat(outcome.after().orders()).containsExactly(T0);
        assertThat(outcome.after().waiting()).isEmpty();
    }

    @Test
    void aFirstCertificateGathersFirstThenGoes() {
        OrderQueue.Outcome first = ask(QueueRecord.EMPTY, fresh("n1.example.com"), TEN_PER_20S, T0);
        assertThat(first.decision()).isEqualTo(new OrderQueue.Wait(1, T0 + OrderQueue.GATHER,
                ((OrderQueue.Wait) first.decision()).why()));
        assertThat(((OrderQueue.Wait) first.decision()).why()).contains("place 1").contains("gathering");
        OrderQueue.Outcome early = ask(first.after(), fresh("n1.example.com"), TEN_PER_20S, T0 + 500);
        assertThat(early.decision()).as("asked again (another instance) before its time").isInstanceOf(OrderQueue.Wait.class);
        OrderQueue.Outcome then = ask(early.after(), fresh("n1.example.com"), TEN_PER_20S, T0 + OrderQueue.GATHER);
        assertThat(then.decision()).isInstanceOf(OrderQueue.Admitted.class);
        assertThat(then.after().waiting()).isEmpty();
    }

    @Test
    void renewalsClosestToExpiryGoBeforeWaitedForNamesAndThoseBeforeTheRest() {
        QueueRecord record = QueueRecord.EMPTY;
        record = ask(record, fresh("other.example.org"), TEN_PER_20S, T0).after();
        record = ask(record, waitedFor("handshake.example.net"), TEN_PER_20S, T0 + 1).after();
        // the window is full now: the renewals wait too
        record = new QueueRecord(0, java.util.Collections.nCopies(10, T0), record.domains(), record.pauses(), record.waiting());
        record = ask(record, renewal("later.example.com", T0 + 9_000_000), TEN_PER_20S, T0 + 2).after();
        OrderQueue.Outcome soonest = ask(record, renewal("soon.example.com", T0 + 1_000_000), TEN_PER_20S, T0 + 3);
        assertThat(soonest.after().waiting()).extracting(QueueRecord.Waiting::certificate)
                .containsExactly("soon.example.com", "later.example.com", "handshake.example.net", "other.example.org");
        OrderQueue.Wait wait = (OrderQueue.Wait) soonest.decision();
        assertThat(wait.position()).isEqualTo(1);
        assertThat(wait.at()).as("when the first admission leaves the window").isEqualTo(T0 + 20_000);
    }

    @Test
    void anUrgentEntryWaitingOnAnotherInstanceKeepsItsSlot() {
        long now = T0 + 20_000;
        // nine in the window: one free slot; a renewal waits for it, asked by another instance that comes at now + 500
        QueueRecord record = new QueueRecord(3, java.util.Collections.nCopies(9, T0 + 5_000), java.util.Map.of(), List.of(),
                List.of(new QueueRecord.Waiting("renew.example.com", Urgency.RENEWAL.rank(), T0 + 5_000_000, now + 500)));
        OrderQueue.Outcome fresh = ask(record, new OrderQueue.Request("n.example.com", List.of("example.com"), Urgency.OTHER, 0)
                , TEN_PER_20S, now);
        OrderQueue.Outcome again = ask(fresh.after(), fresh("n.example.com"), TEN_PER_20S, now + OrderQueue.GATHER);
        assertThat(again.decision()).as("the one free slot is the renewal's").isInstanceOf(OrderQueue.Wait.class);
        OrderQueue.Wait wait = (OrderQueue.Wait) again.decision();
        assertThat(wait.position()).isEqualTo(2);
        assertThat(wait.at()).as("after the nine leave the window").isEqualTo(T0 + 5_000 + 20_000);
        OrderQueue.Outcome renewal = ask(again.after(), renewal("renew.example.com", T0 + 5_000_000), TEN_PER_20S, now + 500);
        assertThat(renewal.decision()).isInstanceOf(OrderQueue.Admitted.class);
    }

    @Test
    void theWindowAdmitsItsCountThenTheNextSlotIsWhenTheOldestLeavesIt() {
        QueueRecord record = QueueRecord.EMPTY;
        for (int i = 0; i < 10; i++) {
            OrderQueue.Outcome outcome = ask(record, renewal("r" + i + ".example.com", T0 + i), TEN_PER_20S, T0 + i * 100L);
            assertThat(outcome.decision()).isInstanceOf(OrderQueue.Admitted.class);
            record = outcome.after();
        }
        OrderQueue.Outcome eleventh = ask(record, renewal("r10.example.com", T0 + 10), TEN_PER_20S, T0 + 1_000);
        assertThat(((OrderQueue.Wait) eleventh.decision()).at()).isEqualTo(T0 + 20_000);
        OrderQueue.Outcome twelfth = ask(eleventh.after(), renewal("r11.example.com", T0 + 11), TEN_PER_20S, T0 + 1_001);
        assertThat(((OrderQueue.Wait) twelfth.decision()).position()).isEqualTo(2);
        assertThat(((OrderQueue.Wait) twelfth.decision()).at()).as("the second admission leaves the window").isEqualTo(T0 + 20_100);
        assertThat(ask(twelfth.after(), renewal("r10.example.com", T0 + 10), TEN_PER_20S, T0 + 20_000).decision())
                .isInstanceOf(OrderQueue.Admitted.class);
        assertThat(QueueRecord.EMPTY.withWaiting(List.of()).pruned(TEN_PER_20S, T0).orders()).isEmpty();
        assertThat(record.pruned(TEN_PER_20S, T0 + 20_050).orders()).as("pruned out of the window").hasSize(9);
    }

    @Test
    void theDomainLimitHoldsOneRegisteredDomainAndLetsOthersPass() {
        OrderLimits twoPerDomain = new OrderLimits(Optional.empty(), Optional.of(new RateLimit(2, Duration.ofDays(7))));
        QueueRecord record = QueueRecord.EMPTY;
        record = ask(record, renewal("a.shop.co.uk", T0), twoPerDomain, T0).after();
        record = ask(record, renewal("b.shop.co.uk", T0), twoPerDomain, T0 + 1).after();
        assertThat(record.domains()).containsOnlyKeys("shop.co.uk");
        OrderQueue.Outcome third = ask(record, renewal("c.shop.co.uk", T0), twoPerDomain, T0 + 2);
        assertThat(((OrderQueue.Wait) third.decision()).at()).isEqualTo(T0 + Duration.ofDays(7).toMillis());
        OrderQueue.Outcome elsewhere = ask(third.after(), renewal("c.other.co.uk", T0 + 1), twoPerDomain, T0 + 3);
        assertThat(elsewhere.decision()).as("the waiting c.shop.co.uk cannot go now, so it keeps no slot")
                .isInstanceOf(OrderQueue.Admitted.class);
    }

    @Test
    void aPauseOfTheAccountHoldsEveryNewOrderUntilItEnds() {
        long until = T0 + 60_000;
        QueueRecord paused = QueueRecord.EMPTY.paused(null, until, "too many new orders");
        OrderQueue.Outcome outcome = ask(paused, renewal("a.example.com", T0 + 5), OrderLimits.NONE, T0);
        OrderQueue.Wait wait = (OrderQueue.Wait) outcome.decision();
        assertThat(wait.at()).isEqualTo(until);
        assertThat(wait.why()).contains("paused new orders until " + Instant.ofEpochMilli(until));
        assertThat(ask(outcome.after(), renewal("a.example.com", T0 + 5), OrderLimits.NONE, until).decision())
                .isInstanceOf(OrderQueue.Admitted.class);
        assertThat(paused.pruned(OrderLimits.NONE, until).pauses()).as("an ended pause is pruned").isEmpty();
    }

    @Test
    void aPauseOfOneDomainHoldsOnlyIt() {
        QueueRecord paused = QueueRecord.EMPTY.paused("example.com", T0 + 60_000, "too many certificates for example.com");
        assertThat(ask(paused, renewal("www.example.com", T0), OrderLimits.NONE, T0).decision()).isInstanceOf(OrderQueue.Wait.class);
        assertThat(ask(paused, renewal("www.example.org", T0), OrderLimits.NONE, T0).decision())
                .isInstanceOf(OrderQueue.Admitted.class);
        assertThat(paused.paused("example.com", T0 + 30_000, "shorter").pauses()).as("a shorter pause keeps the longer")
                .extracting(QueueRecord.Pause::until).containsExactly(T0 + 60_000);
    }

    @Test
    void anEntryWhoseInstanceNeverAsksAgainIsDroppedAndTheRecordStaysBounded() {
        QueueRecord record = QueueRecord.EMPTY.withWaiting(List.of(
                new QueueRecord.Waiting("gone.example.com", 0, T0, T0)));
        assertThat(record.pruned(TEN_PER_20S, T0 + QueueRecord.STALE_AFTER.toMillis() - 1).waiting()).hasSize(1);
        assertThat(record.pruned(TEN_PER_20S, T0 + QueueRecord.STALE_AFTER.toMillis()).waiting()).isEmpty();
        QueueRecord full = new QueueRecord(0, java.util.Collections.nCopies(10, T0), java.util.Map.of(), List.of(), List.of());
        for (int i = 0; i < QueueRecord.MAX_WAITING + 5; i++) {
            full = ask(full, fresh("n" + i + ".example.com"), TEN_PER_20S, T0 + i).after();
        }
        assertThat(full.waiting()).hasSize(QueueRecord.MAX_WAITING);
        assertThat(full.waiting().get(0).certificate()).isEqualTo("n0.example.com");
    }

    @Test
    void aWaitingEntryAskingAgainRewritesTheRecordOnlyWhenItsStoredAskWouldGrowOld() {
        // the CA keeps pausing the account 5 s past each ask for five minutes: the renewal asks every 5 s
        QueueRecord record = QueueRecord.EMPTY;
        int rewrites = 0;
        for (long t = T0; t <= T0 + 300_000; t += 5_000) {
            QueueRecord before = record.paused(null, t + 5_000, "slow down");
            OrderQueue.Outcome outcome = ask(before, renewal("r.example.com", T0 + 86_400_000), OrderLimits.NONE, t);
            assertThat(outcome.decision()).isInstanceOf(OrderQueue.Wait.class);
            record = outcome.after();
            assertThat(record.pruned(OrderLimits.NONE, t + 5_000).waiting()).as("still queued when it asks next, at %d", t - T0)
                    .extracting(QueueRecord.Waiting::certificate).containsExactly("r.example.com");
            if (!record.waiting().equals(before.pruned(OrderLimits.NONE, t).waiting())) {
                rewrites++;
            }
        }
        // the first ask queues it; then its stored ask moves once its next ask is more than a minute later
        assertThat(rewrites).isBetween(5, 7);
    }

    @Test
    void theRecordSurvivesItsJsonAndStaysSmall() throws Exception {
        QueueRecord record = new QueueRecord(4, List.of(T0, T0 + 1), java.util.Map.of("example.com", List.of(T0)),
                List.of(new QueueRecord.Pause(null, T0 + 5, "why"), new QueueRecord.Pause("example.org", T0 + 6, "because")),
                List.of(new QueueRecord.Waiting("a.example.com", 0, T0, T0 + 9)));
        assertThat(QueueFile.decode("test", QueueFile.encode(record))).isEqualTo(record);
        List<QueueRecord.Waiting> many = new java.util.ArrayList<>();
        for (int i = 0; i < QueueRecord.MAX_WAITING; i++) {
            many.add(new QueueRecord.Waiting("customer-" + i + ".example-shop.com", 2, T0 + i, T0 + 3_600_000L + i));
        }
        int bytes = QueueFile.encode(QueueRecord.EMPTY.withWaiting(many)).length;
        System.out.printf("order queue: %d waiting entries take %d bytes of JSON%n", many.size(), bytes);
        assertThat(bytes).isLessThan(70_000);
    }
}
