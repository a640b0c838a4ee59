package dev.autotls.internal.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Which of the configured CAs (in {@code autotls.ca}'s order) a certificate's orders go to, and
 * since when they have failed there: an immutable value, replaced after each look.
 *
 * <p>Orders stay with a CA until they have failed there for {@code fallbackAfter}, or at once
 * after a refusal no retry with that CA can fix; then the next CA is tried (after the last, the
 * first again). Once every CA has refused in a row, the next one is still tried, but no longer at
 * once ({@link #movedAtOnce}): the owner must act, and the CAs are not asked in a loop. A
 * certificate issued by any CA sends the next renewal back to the first. Pure: callers pass
 * {@code now}.
 *
 * @param index         0 for the first CA
 * @param failingSince  the first failure on this CA since it was chosen, if any
 * @param refusedInRow  how many CAs in a row refused for good before this one was chosen
 */
public record CaAttempt(int index, Optional<Instant> failingSince, int refusedInRow) {
    /** The first CA, nothing failed yet. */
    public static final CaAttempt FIRST = new CaAttempt(0, Optional.empty());

    public CaAttempt {
        if (index < 0 || refusedInRow < 0) {
            throw new IllegalArgumentException("CA index " + index + ", refused in a row " + refusedInRow);
        }
    }

    /** The CA at {@code index}, reached without a refusal. */
    public CaAttempt(int index, Optional<Instant> failingSince) {
        this(index, failingSince, 0);
    }

    /** Before a look: the CA to use now, moved on if this one has been failing for {@code fallbackAfter}. */
    public CaAttempt look(Instant now, int cas, Duration fallbackAfter) {
        if (cas > 1 && failingSince.isPresent() && !now.isBefore(failingSince.get().plus(fallbackAfter))) {
            return new CaAttempt((index + 1) % cas, Optional.empty(), 0);
        }
        return this;
    }

    /**
     * After a failure on this CA (or a wait for it while it is down): the clock starts at the
     * first; a refusal for good moves on to the next CA when there is another.
     */
    public CaAttempt failed(Instant now, boolean refusedForGood, int cas) {
        if (refusedForGood && cas > 1) {
            // every CA refused in turn: count afresh, so the next is tried after the owner's back-off, not at once
            int refused = refusedInRow + 1 < cas ? refusedInRow + 1 : 0;
            return new CaAttempt((index + 1) % cas, Optional.empty(), refused);
        }
        return failingSince.isPresent() ? this : new CaAttempt(index, Optional.of(now), refusedInRow);
    }

    /** Whether this CA was chosen right after a refusal, with others yet to refuse: its order may go at once. */
    public boolean movedAtOnce() {
        return refusedInRow > 0;
    }

    /** A certificate was issued: the next renewal starts with the first CA again. */
    public CaAttempt issued() {
        return FIRST;
    }
}
