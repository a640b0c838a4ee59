package dev.autotls.internal.acmedns;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the DNS side answers from: every registered subdomain with its current TXT values,
 * and names the embedding application publishes itself (the responder's own
 * {@code _acme-challenge}).
 *
 * <p>Alone on its store ({@link #TxtRecords()}) it answers from memory, replaced value list
 * by value list after the store has made a change durable; reads never block. On a store
 * that other responders write too ({@link #readingThrough}) each look-up of a subdomain
 * reads the store, so an update acknowledged by any responder is in this one's next
 * answer. If the store fails, answers come from the values last read, and the store is
 * left alone for {@link #RETRY_AFTER}: while it is down nobody can change the values anyway.
 */
public final class TxtRecords {
    private static final Logger LOG = LoggerFactory.getLogger(TxtRecords.class);
    static final Duration RETRY_AFTER = Duration.ofSeconds(2);
    private static final String[] NONE = new String[0];

    private final Map<String, String[]> bySubdomain = new ConcurrentHashMap<>();
    private final Map<String, String[]> byFullName = new ConcurrentHashMap<>();
    private final AccountStore shared;
    private volatile boolean failing;
    private volatile long retryAtNanos;

    /** Answers from memory: this process is the store's only writer. */
    public TxtRecords() {
        this(null);
    }

    private TxtRecords(AccountStore shared) {
        this.shared = shared;
    }

    /** Answers subdomains from {@code shared} at every look-up (several responders on one database). */
    public static TxtRecords readingThrough(AccountStore shared) {
        return new TxtRecords(shared);
    }

    /** Marks a subdomain registered, with these values (most recent first). */
    public void put(String subdomain, List<String> values) {
        bySubdomain.put(subdomain.toLowerCase(Locale.ROOT), values.toArray(NONE));
    }

    /** The values of a registered subdomain (possibly none yet), or null when it is not registered. */
    public String[] values(String subdomainLabel) {
        String subdomain = subdomainLabel.toLowerCase(Locale.ROOT);
        if (shared == null || failing && System.nanoTime() - retryAtNanos < 0) {
            return bySubdomain.get(subdomain);
        }
        try {
            Optional<List<String>> current = shared.values(subdomain);
            failing = false;
            if (current.isEmpty()) {
                bySubdomain.remove(subdomain);
                return null;
            }
            String[] values = current.get().toArray(NONE);
            bySubdomain.put(subdomain, values);
            return values;
        } catch (AccountStore.StoreException e) {
            retryAtNanos = System.nanoTime() + RETRY_AFTER.toNanos();
            failing = true;
            LOG.warn("DNS answers come from the values this responder last read, for {} s: {}",
                    RETRY_AFTER.toSeconds(), e.getMessage());
            return bySubdomain.get(subdomain);
        }
    }

    /** Publishes TXT values at an arbitrary name inside the zone (lower-case, no trailing dot). */
    public void putName(String fullName, List<String> values) {
        if (values.isEmpty()) {
            byFullName.remove(normalize(fullName));
        } else {
            byFullName.put(normalize(fullName), values.toArray(NONE));
        }
    }

    /** Values published at an arbitrary name, or null. */
    public String[] valuesAtName(String fullName) {
        return byFullName.get(normalize(fullName));
    }

    /** Whether any name is published beside the accounts (almost never: only while the responder validates itself). */
    public boolean hasPublishedNames() {
        return !byFullName.isEmpty();
    }

    public int registeredCount() {
        return bySubdomain.size();
    }

    private static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
