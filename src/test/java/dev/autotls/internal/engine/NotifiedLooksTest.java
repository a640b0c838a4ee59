package dev.autotls.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.ManualScheduler;
import dev.autotls.testing.MemoryStore;
import dev.autotls.testing.MutableClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Notifications in a steady stream bring one look per {@link NotifiedLooks#SPACING}, not one each. */
class NotifiedLooksTest {
    @Test
    void aStreamOfNotificationsBringsLooksAtMostOneASpacingApart() {
        MutableClock clock = MutableClock.startingNow();
        ManualScheduler scheduler = new ManualScheduler(clock);
        AtomicInteger looks = new AtomicInteger();
        NotifiedLooks notified = new NotifiedLooks(looks::incrementAndGet, clock);
        notified.start(scheduler, new MemoryStore());

        notified.run();
        scheduler.runDue();
        assertThat(looks).as("the first at once").hasValue(1);

        notified.run(); // right after that look: waits for the spacing
        notified.run();
        scheduler.runDue();
        assertThat(looks).as("not yet").hasValue(1);
        clock.advance(NotifiedLooks.SPACING.minusMillis(1));
        scheduler.runDue();
        assertThat(looks).hasValue(1);
        clock.advance(Duration.ofMillis(1));
        scheduler.runDue();
        assertThat(looks).as("both notifications, one look").hasValue(2);

        clock.advance(Duration.ofSeconds(1));
        notified.run();
        scheduler.runDue();
        assertThat(looks).as("after a quiet second: at once again").hasValue(3);
    }
}
