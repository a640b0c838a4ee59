package dev.autotls.internal.acmedns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.acmedns.AcmeDnsServer.DefenceCounts;
import org.junit.jupiter.api.Test;

/** The snapshot the responder logs once a minute and offers for status and metrics. */
class DefenceCountsTest {

    @Test
    void aMinuteIsTheDifferenceOfTwoSnapshots() {
        DefenceCounts earlier = new DefenceCounts(10, 10, 1, 0, 0, 0);
        DefenceCounts later = new DefenceCounts(25, 20, 1, 3, 0, 0);
        assertThat(later.since(earlier)).isEqualTo(new DefenceCounts(15, 10, 0, 3, 0, 0));
        assertThat(later.since(later).isZero()).isTrue();
        assertThat(later.udpLimited()).isEqualTo(45);
    }

    @Test
    void theSummaryNamesOnlyWhatHappened() {
        assertThat(new DefenceCounts(15, 10, 0, 3, 0, 0).summary()).isEqualTo(
                "rate limiting held back 25 UDP answers (15 dropped, 10 sent truncated);"
                        + " 3 idle TCP connections closed to make room for new ones");
        assertThat(new DefenceCounts(0, 0, 2, 0, 7, 1).summary()).isEqualTo("2 idle TCP connections closed;"
                + " 7 TCP connections closed because their address held too many; 1 TCP connections refused while every slot"
                + " was answering");
        assertThat(new DefenceCounts(0, 0, 0, 0, 0, 0).summary()).isEqualTo("nothing");
    }
}
