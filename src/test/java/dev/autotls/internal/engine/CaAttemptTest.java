package dev.autotls.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Issue 13 (d): when a certificate's orders move to the next CA, and back to the first. */
class CaAttemptTest {
    private static final Instant T0 = Instant.parse("2027-01-01T00:00:00Z");
    private static final Duration DAY = Duration.ofDays(1);

    @Test
    void staysWithTheFirstCaUntilItHasFailedForTheWholeFallbackTime() {
        CaAttempt attempt = CaAttempt.FIRST.failed(T0, false, 2);
        attempt = attempt.failed(T0.plus(Duration.ofHours(5)), false, 2);
        assertThat(attempt.failingSince()).as("the clock runs from the first failure").contains(T0);
        assertThat(attempt.look(T0.plus(DAY).minusSeconds(1), 2, DAY).index()).isZero();
        CaAttempt moved = attempt.look(T0.plus(DAY), 2, DAY);
        assertThat(moved.index()).isEqualTo(1);
        assertThat(moved.failingSince()).as("the next CA starts with a clean record").isEmpty();
    }

    @Test
    void aRefusalNoRetryCanFixMovesOnAtOnce() {
        CaAttempt second = CaAttempt.FIRST.failed(T0, true, 3);
        assertThat(second.index()).isEqualTo(1);
        assertThat(second.failingSince()).isEmpty();
        assertThat(second.movedAtOnce()).isTrue();
    }

    @Test
    void onceEveryCaHasRefusedInARowTheNextIsNoLongerTriedAtOnce() {
        CaAttempt second = CaAttempt.FIRST.failed(T0, true, 3);
        CaAttempt third = second.failed(T0, true, 3);
        assertThat(third.index()).isEqualTo(2);
        assertThat(third.movedAtOnce()).isTrue();
        CaAttempt round = third.failed(T0, true, 3);
        assertThat(round.index()).as("the first again, after the owner's back-off").isZero();
        assertThat(round.movedAtOnce()).isFalse();
        assertThat(round.failed(T0, true, 3).movedAtOnce()).as("a new round").isTrue();
        CaAttempt two = CaAttempt.FIRST.failed(T0, true, 2).failed(T0, true, 2);
        assertThat(two.index()).isZero();
        assertThat(two.movedAtOnce()).isFalse();
    }

    @Test
    void withOneCaNothingMoves() {
        CaAttempt attempt = CaAttempt.FIRST.failed(T0, true, 1);
        assertThat(attempt.index()).isZero();
        assertThat(attempt.look(T0.plus(Duration.ofDays(30)), 1, DAY).index()).isZero();
    }

    @Test
    void afterTheLastCaTheFirstIsTriedAgain() {
        CaAttempt last = new CaAttempt(2, java.util.Optional.of(T0));
        assertThat(last.look(T0.plus(DAY), 3, DAY).index()).isZero();
    }

    @Test
    void aCertificateFromAnyCaSendsTheNextRenewalToTheFirst() {
        CaAttempt second = CaAttempt.FIRST.failed(T0, true, 2);
        assertThat(second.index()).isEqualTo(1);
        assertThat(second.issued()).isEqualTo(CaAttempt.FIRST);
    }

    @Test
    void aHealthyCaIsNeverLeft() {
        assertThat(CaAttempt.FIRST.look(T0.plus(Duration.ofDays(365)), 2, DAY)).isEqualTo(CaAttempt.FIRST);
    }
}
