package dev.autotls.internal.config;

import dev.autotls.internal.names.IpAddresses;
import java.net.IDN;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validation of configured names (domain names, and IP addresses as RFC 8738 allows), and their
 * grouping into certificates.
 */
public final class DomainNames {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    /** The one single-label name accepted: the built-in local CA issues for it (no public CA does). */
    static final String LOCALHOST = "localhost";

    private DomainNames() {
    }

    /**
     * The name in canonical form (a domain name in lower case, ASCII, no trailing dot; an IP
     * address as {@link IpAddresses#canonical} writes it), or an explanation of what is wrong with it.
     * Text that looks like an address ({@code 127.0.0.1}, {@code ::1}) is judged as one, never as
     * a domain name of numeric labels.
     */
    public static String canonical(String raw) {
        String trimmed = raw.trim();
        if (IpAddresses.looksLikeAddress(trimmed)) {
            return IpAddresses.canonical(trimmed);
        }
        return canonicalDomain(raw);
    }

    /** Whether {@code name} (canonical) is an IP address rather than a domain name. */
    public static boolean isAddress(String name) {
        return IpAddresses.isAddress(name);
    }

    /** {@link #canonical} for a place where only a domain name makes sense (a DNS zone): an address is refused. */
    public static String canonicalDomainName(String raw) {
        if (IpAddresses.looksLikeAddress(raw.trim())) {
            throw new IllegalArgumentException("'" + raw + "' is an IP address; a domain name is needed here, e.g. example.org");
        }
        return canonicalDomain(raw);
    }

    private static String canonicalDomain(String raw) {
        String name = raw.trim().toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        boolean wildcard = name.startsWith("*.");
        String base = wildcard ? name.substring(2) : name;
        if (wildcard && IpAddresses.looksLikeAddress(base)) {
            throw new IllegalArgumentException("'" + raw + "' puts a wildcard before an IP address; a wildcard covers names "
                    + "under a domain, and an address is certified only as itself: name " + base + " without '*.'");
        }
        if (!base.chars().allMatch(c -> c < 128)) {
            try {
                base = IDN.toASCII(base, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + raw + "' is not a valid international domain name (" + e.getMessage() + ")");
            }
        }
        if (base.isEmpty() || base.length() > 253) {
            throw new IllegalArgumentException("'" + raw + "' is not a valid domain name (length)");
        }
        String[] labels = base.split("\\.", -1);
        if (labels.length < 2 && !base.equals(LOCALHOST)) {
            throw new IllegalArgumentException("'" + raw + "' has a single label; a CA issues only for names like example.com (of single labels, only localhost, "
                    + "through the built-in local CA)");
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException("'" + raw + "' has an invalid label '" + label
                        + "' (letters, digits and inner hyphens, 1 to 63 characters; '*' only as the whole first label)");
            }
        }
        return wildcard ? "*." + base : base;
    }

    /**
     * Groups names into certificates: a base name and its wildcard share one certificate
     * ({@code example.com} + {@code *.example.com}); every other name gets its own, so a
     * failure for one name never holds up another. An IP address is always alone (no wildcard
     * can name it). Order of first appearance is kept.
     */
    public static List<List<String>> certificates(List<String> names) {
        Set<String> all = new LinkedHashSet<>(names);
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (String name : all) {
            String base = name.startsWith("*.") ? name.substring(2) : name;
            groups.computeIfAbsent(base, b -> new ArrayList<>()).add(name);
        }
        List<List<String>> result = new ArrayList<>();
        for (List<String> group : groups.values()) {
            group.sort((a, b) -> Boolean.compare(a.startsWith("*."), b.startsWith("*."))); // base first
            result.add(List.copyOf(group));
        }
        return result;
    }
}
