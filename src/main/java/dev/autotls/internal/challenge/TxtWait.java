package dev.autotls.internal.challenge;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The wait until new TXT values are visible, for the strategies that write them somewhere
 * (acme-dns, the RFC 2136 alias): asks again after 20 ms, doubling to 2 s, until every value
 * is shown or the deadline has passed. A look that fails counts as one that shows nothing yet.
 */
final class TxtWait {
    /** One look at the TXT values where they should appear. */
    @FunctionalInterface
    interface Look {
        List<String> txt() throws IOException;
    }

    /**
     * What the last look saw when the deadline passed first.
     *
     * @param visible the values it showed (none when it failed)
     * @param error   why it failed, if it did
     */
    record Seen(List<String> visible, Optional<IOException> error) {
    }

    private TxtWait() {
    }

    /** Empty once {@code look} shows all of {@code values}; what it saw last if {@code deadline} passed first. */
    static Optional<Seen> until(Look look, List<String> values, Instant deadline) throws InterruptedException {
        long pause = 20;
        while (true) {
            Seen seen;
            try {
                List<String> visible = look.txt();
                if (visible.containsAll(values)) {
                    return Optional.empty();
                }
                seen = new Seen(visible, Optional.empty());
            } catch (IOException e) {
                seen = new Seen(List.of(), Optional.of(e));
            }
            if (Instant.now().isAfter(deadline)) {
                return Optional.of(seen);
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 2000);
        }
    }
}
