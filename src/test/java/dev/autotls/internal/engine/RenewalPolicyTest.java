package dev.autotls.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RenewalPolicyTest {
    private final RenewalPolicy policy = new RenewalPolicy(new Random(11));
    private final Instant notBefore = Instant.parse("2026-01-01T00:00:00Z");
    private final Instant notAfter = notBefore.plus(Duration.ofDays(90));

    @Test
    void withoutAriRenewsWhenAThirdOfTheLifetimeIsLeft() {
        Instant twoThirds = notAfter.minus(Duration.ofDays(30));
        RenewalPolicy.Plan plan = policy.plan(notBefore, notAfter, notBefore, Optional.empty(), Optional.empty(), notBefore);
        assertThat(plan.renewAt()).isBetween(twoThirds.minus(Duration.ofHours(22)), twoThirds);
        assertThat(plan.renewNow(twoThirds.minus(Duration.ofDays(1)))).isFalse();
        assertThat(plan.renewNow(twoThirds)).isTrue();
    }

    @Test
    void withAriRenewsAtARandomInstantInsideTheWindowAndOnlyThen() {
        Instant start = notBefore.plus(Duration.ofDays(60));
        Instant end = start.plus(Duration.ofDays(2));
        RenewalPolicy.Window window = new RenewalPolicy.Window(start, end);
        Instant now = notBefore.plus(Duration.ofDays(1));
        RenewalPolicy.Plan plan = policy.plan(notBefore, notAfter, notBefore, Optional.of(window), Optional.empty(), now);
        assertThat(plan.renewAt()).isBetween(start, end);
        assertThat(plan.renewNow(start.minusSeconds(1))).isFalse();
        assertThat(plan.renewNow(end)).isTrue();
    }

    @Test
    void looksAgainAtLeastEverySixHoursAndWhenTheCaAsks() {
        Instant now = notBefore.plus(Duration.ofDays(1));
        RenewalPolicy.Plan plan = policy.plan(notBefore, notAfter, notBefore, Optional.empty(), Optional.empty(), now);
        assertThat(plan.recheckAt()).isEqualTo(now.plus(RenewalPolicy.MAX_RECHECK));
        Instant ariAgain = now.plus(Duration.ofHours(2));
        plan = policy.plan(notBefore, notAfter, notBefore, Optional.empty(), Optional.of(ariAgain), now);
        assertThat(plan.recheckAt()).isEqualTo(ariAgain);
    }

    @Test
    void aWindowAlreadyPastMeansNowButNeverWithinAnHourOfIssuance() {
        Instant now = notBefore.plus(Duration.ofDays(80));
        RenewalPolicy.Window past = new RenewalPolicy.Window(now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)));
        assertThat(policy.plan(notBefore, notAfter, notBefore, Optional.of(past), Optional.empty(), now).renewNow(now)).isTrue();

        Instant justIssued = now.minus(Duration.ofMinutes(5));
        RenewalPolicy.Plan plan = policy.plan(notBefore, notAfter, justIssued, Optional.of(past), Optional.empty(), now);
        assertThat(plan.renewNow(now)).isFalse();
        assertThat(plan.renewAt()).isEqualTo(justIssued.plus(RenewalPolicy.MIN_AGE));
    }
}
