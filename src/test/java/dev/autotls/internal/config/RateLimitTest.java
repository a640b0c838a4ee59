package dev.autotls.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitTest {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void readsCountSlashDurationInEverySettingsUnit() {
        assertThat(RateLimit.parse("10/1m")).isEqualTo(new RateLimit(10, Duration.ofMinutes(1)));
        assertThat(RateLimit.parse(" 20 / 30s ")).isEqualTo(new RateLimit(20, Duration.ofSeconds(30)));
        assertThat(RateLimit.parse("100/1h")).isEqualTo(new RateLimit(100, Duration.ofHours(1)));
        assertThat(RateLimit.parse("5/1d")).isEqualTo(new RateLimit(5, Duration.ofDays(1)));
        assertThat(RateLimit.parse("3/500ms")).isEqualTo(new RateLimit(3, Duration.ofMillis(500)));
        assertThat(RateLimit.parse("7/45")).as("plain seconds").isEqualTo(new RateLimit(7, Duration.ofSeconds(45)));
        assertThat(RateLimit.parse("10/1m")).hasToString("10/1m");
        assertThat(RateLimit.parse("10/90s")).hasToString("10/90s");
    }

    @Test
    void refusesWhatIsNoLimitNamingTheTextAndTheForm() {
        for (String wrong : List.of("", "10", "10/", "/1m", "0/1m", "-1/1m", "10/0s", "10/1w", "ten/1m", "10/1m/2", "1e3/1m")) {
            assertThatThrownBy(() -> RateLimit.parse(wrong)).as("'%s'", wrong).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + wrong + "'").hasMessageContaining("N/duration").hasMessageContaining("10/1m");
        }
    }

    @Test
    void letsCountInAnyWindowAndSaysWhenTheNextSlotOpens() {
        RateLimit limit = new RateLimit(2, Duration.ofSeconds(20));
        assertThat(limit.nextSlot(List.of(), T0)).isEmpty();
        assertThat(limit.nextSlot(List.of(T0), T0)).isEmpty();
        assertThat(limit.nextSlot(List.of(T0, T0.plusSeconds(5)), T0.plusSeconds(6))).contains(T0.plusSeconds(20));
        assertThat(limit.nextSlot(List.of(T0.plusSeconds(5), T0), T0.plusSeconds(6))).as("in any order").contains(T0.plusSeconds(20));
        assertThat(limit.nextSlot(List.of(T0, T0.plusSeconds(5)), T0.plusSeconds(20))).as("the oldest left the window").isEmpty();
        assertThat(limit.nextSlot(List.of(T0, T0.plusSeconds(5), T0.plusSeconds(21)), T0.plusSeconds(22)))
                .as("the second oldest in the window decides").contains(T0.plusSeconds(25));
        assertThat(limit.nextSlot(List.of(T0.minusSeconds(100), T0.minusSeconds(50)), T0)).as("old times count for nothing").isEmpty();
    }
}
