package dev.autotls.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 13 (c): renewal suits any lifetime: Let's Encrypt's shortlived (160 h), tlsserver
 * (45 days), classic from February 2027 (64 days) and classic today (90 days). A moved clock
 * follows each plan's next look, as maintenance does, until the plan says "renew now".
 */
class RenewalLifetimesTest {
    private static final Instant ISSUED = Instant.parse("2027-02-01T00:00:00Z");

    /** The instant maintenance, looking again whenever its plan says, first finds the certificate due. */
    private static Instant firstDue(RenewalPolicy policy, Duration lifetime, Optional<RenewalPolicy.Window> window,
                                    MutableClock clock) {
        Instant notAfter = ISSUED.plus(lifetime);
        for (int looks = 0; looks < 10_000; looks++) {
            Instant now = clock.instant();
            RenewalPolicy.Plan plan = policy.plan(ISSUED, notAfter, ISSUED, window, Optional.empty(), now);
            if (plan.renewNow(now)) {
                return now;
            }
            assertThat(plan.recheckAt()).as("the next look is later than this one").isAfter(now);
            assertThat(Duration.between(now, plan.recheckAt())).as("never more than 6 h or a tenth of the lifetime unseen")
                    .isLessThanOrEqualTo(shorter(RenewalPolicy.MAX_RECHECK, lifetime.dividedBy(10)));
            clock.set(plan.recheckAt());
        }
        throw new AssertionError("never due within 10,000 looks for a lifetime of " + lifetime);
    }

    @ParameterizedTest(name = "{0} h")
    @ValueSource(ints = {160, 45 * 24, 64 * 24, 90 * 24})
    void withoutAriRenewsInTheLastThirdWellBeforeExpiry(int hours) {
        Duration lifetime = Duration.ofHours(hours);
        for (long seed = 0; seed < 20; seed++) {
            MutableClock clock = new MutableClock(ISSUED);
            Instant due = firstDue(new RenewalPolicy(new Random(seed)), lifetime, Optional.empty(), clock);
            Instant lastThird = ISSUED.plus(lifetime).minus(lifetime.dividedBy(3));
            assertThat(due).as("inside the last third, less at most 1 % jitter")
                    .isBetween(lastThird.minus(lifetime.dividedBy(100)), lastThird);
            assertThat(Duration.between(ISSUED, due)).as("not right after issuance")
                    .isGreaterThan(lifetime.dividedBy(2));
            assertThat(Duration.between(due, ISSUED.plus(lifetime))).as("margin left before expiry")
                    .isGreaterThanOrEqualTo(lifetime.dividedBy(3));
        }
    }

    @ParameterizedTest(name = "{0} h")
    @ValueSource(ints = {160, 45 * 24, 64 * 24, 90 * 24})
    void withAriRenewsInsideTheCasWindow(int hours) {
        Duration lifetime = Duration.ofHours(hours);
        // Let's Encrypt's windows sit around two thirds of the lifetime and span a few percent of it
        Instant start = ISSUED.plus(lifetime.multipliedBy(2).dividedBy(3));
        Instant end = start.plus(lifetime.dividedBy(30));
        for (long seed = 0; seed < 20; seed++) {
            MutableClock clock = new MutableClock(ISSUED);
            Instant due = firstDue(new RenewalPolicy(new Random(seed)), lifetime,
                    Optional.of(new RenewalPolicy.Window(start, end)), clock);
            assertThat(due).as("inside the CA's window").isBetween(start, end);
            assertThat(due).as("before expiry").isBefore(ISSUED.plus(lifetime));
        }
    }

    @ParameterizedTest(name = "{0} h")
    @ValueSource(ints = {160, 45 * 24, 64 * 24, 90 * 24})
    void aWindowOpenAtIssuanceStillWaitsTheShortestAge(int hours) {
        Duration lifetime = Duration.ofHours(hours);
        MutableClock clock = new MutableClock(ISSUED);
        // a CA (or clock) that calls a brand-new certificate due must not start an ordering loop
        Instant due = firstDue(new RenewalPolicy(new Random(3)), lifetime,
                Optional.of(new RenewalPolicy.Window(ISSUED.minus(Duration.ofDays(1)), ISSUED)), clock);
        assertThat(Duration.between(ISSUED, due)).isEqualTo(shorter(RenewalPolicy.MIN_AGE, lifetime.dividedBy(10)));
        assertThat(due).isBefore(ISSUED.plus(lifetime.dividedBy(2)));
    }

    private static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
