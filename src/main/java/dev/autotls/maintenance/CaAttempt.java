package dev.autotls.maintenance;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Which of the configured CAs (in {@code autotls.ca}'s order) a certificate's orders go to, and
 * since when they have failed there: an immutable value, replaced after each look.
 *
 * <p>Orders stay with a CA until they have failed there for {@code fallbackAfter}, or at once
 * after a refusal no retry with that CA can fix; then the next CA is tried (after the last, the
 * first again). A certificate issued by any CA sends the next renewal back to the first.
 * Pure: callers pass {@code now}.
 *
 * @param index         0 for the first CA
 * @param failingSince  the first failure on this CA since it was chosen, if any
 */
public record CaAttempt(int index, Optional<Instant> failingSince) {
    /** The first CA, nothing failed yet. */
    public static final CaAttempt FIRST = new CaAttempt(0, Optional.empty());

    public CaAttempt {
        if (index < 0) {
            throw new IllegalArgumentException("CA index " + index);
        }
    }

    /** Before a look: the CA to use now, moved on if this one has been failing for {@code fallbackAfter}. */
    public CaAttempt look(Instant now, int cas, Duration fallbackAfter) {
        if (cas > 1 && failingSince.isPresent() && !now.isBefore(failingSince.get().plus(fallbackAfter))) {
            return next(cas);
        }
        return this;
    }

    /**
     * After a failure on this CA (or a wait for it while it is down): the clock starts at the
     * first; a refusal for good moves on at once when there is another CA.
     */
    public CaAttempt failed(Instant now, boolean refusedForGood, int cas) {
        if (refusedForGood && cas > 1) {
            return next(cas);
        }
        return failingSince.isPresent() ? this : new CaAttempt(index, Optional.of(now));
    }

    /** A certificate was issued: the next renewal starts with the first CA again. */
    public CaAttempt issued() {
        return FIRST;
    }

    private CaAttempt next(int cas) {
        return new CaAttempt((index + 1) % cas, Optional.empty());
    }
}
