package dev.autotls.internal.engine;

import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.CertificateStore.Changes;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where {@link StoreSync} last read the store's change feed, and what its next look must do:
 * read the keys changed since then, or compare every version as before. It compares every
 * version on the first look, after a gap (the feed was trimmed past its position), while the
 * store keeps no feed (asked again every {@link #FULL_EVERY}), and once every
 * {@link #FULL_EVERY} anyway: that also finds what a writer that keeps no feed changed (an
 * older release on a shared folder, a file copied in by hand). The position for after a full
 * comparison is read before it, so no write can fall between the two. Keys whose reading failed
 * are handed out again with the next look's. A feed that cannot be read is no reason to stop
 * looking: the look compares every version instead, and when that works while the feed does not
 * (a role that may not read it), that is said once. Not thread-safe: looks run one at a time.
 */
final class ChangeFeedReader {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeedReader.class);
    static final Duration FULL_EVERY = Duration.ofHours(1);
    /** No position: the next look compares every version. */
    static final long NONE = Long.MIN_VALUE;

    private final CertificateStore store;
    private final Clock clock;
    private long position = NONE;
    private Instant lastFull = Instant.MIN;
    /** While the store answered that it keeps no feed: no need to ask it before each full look. */
    private Instant noFeedUntil = Instant.MIN;
    private final Set<String> retry = new LinkedHashSet<>();
    /** Why the feed could not be read at this look, or null. */
    private String failed;
    private boolean saidFailed;

    ChangeFeedReader(CertificateStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * The keys changed since the last look, or empty when this look must compare every version
     * (then {@link #positionNow} before it and {@link #compared} after it): also when the feed
     * cannot be read now.
     */
    Optional<Set<String>> changed() {
        failed = null;
        if (position == NONE || !clock.instant().isBefore(lastFull.plus(FULL_EVERY))) {
            return Optional.empty();
        }
        Optional<Changes> read;
        try {
            read = store.changesSince(position);
        } catch (IOException e) {
            LOG.debug("could not read what changed in the store: {}", e.toString());
            failed = e.getMessage();
            position = NONE;
            return Optional.empty();
        }
        if (read.isEmpty() || read.get().gap()) {
            position = NONE;
            return Optional.empty();
        }
        position = read.get().position();
        Set<String> keys = new LinkedHashSet<>(retry);
        retry.clear();
        keys.addAll(read.get().keys());
        return Optional.of(keys);
    }

    /** Where the feed stands, read before a full comparison; {@link #NONE} when the store keeps none or it cannot be read. */
    long positionNow() {
        if (clock.instant().isBefore(noFeedUntil)) {
            return NONE;
        }
        Optional<Changes> current;
        try {
            current = store.changesSince(Changes.FROM_NOW);
        } catch (IOException e) {
            LOG.debug("could not read where the store's change feed stands: {}", e.toString());
            return NONE;
        }
        if (current.isEmpty()) {
            noFeedUntil = clock.instant().plus(FULL_EVERY);
            return NONE;
        }
        return current.get().position();
    }

    /** A full comparison after {@link #positionNow} gave {@code at} succeeded: later looks read the feed from there. */
    void compared(long at) {
        if (failed != null && !saidFailed) {
            saidFailed = true;
            LOG.warn("The change feed of the store {} cannot be read ({}) while the rest of it can; comparing the versions "
                    + "of every certificate at each look instead.", store.describe(), failed);
        }
        retry.clear(); // the comparison looked at them
        if (at != NONE) {
            position = at;
            lastFull = clock.instant();
        }
    }

    /** Hands {@code key} out again with the next look's changes (reading it failed). */
    void retryLater(String key) {
        retry.add(key);
    }
}
