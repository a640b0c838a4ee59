package dev.autotls.acmedns;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the DNS side answers from: every registered subdomain with its current TXT values,
 * in memory, replaced value list by value list after the store has made a change durable.
 * Also holds names the embedding application publishes itself (the responder's own
 * {@code _acme-challenge}). Reads never block.
 */
public final class TxtRecords {
    private static final String[] NONE = new String[0];

    private final Map<String, String[]> bySubdomain = new ConcurrentHashMap<>();
    private final Map<String, String[]> byFullName = new ConcurrentHashMap<>();

    /** Marks a subdomain registered, with these values (most recent first). */
    public void put(String subdomain, List<String> values) {
        bySubdomain.put(subdomain.toLowerCase(Locale.ROOT), values.toArray(NONE));
    }

    /** The values of a registered subdomain (possibly none yet), or null when it is not registered. */
    public String[] values(String subdomainLabel) {
        return bySubdomain.get(subdomainLabel.toLowerCase(Locale.ROOT));
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
