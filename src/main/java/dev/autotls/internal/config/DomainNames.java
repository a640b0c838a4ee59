package dev.autotls.internal.config;

import java.net.IDN;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Validation of configured names, and their grouping into certificates. */
public final class DomainNames {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    /** The one single-label name accepted: the built-in local CA issues for it (no public CA does). */
    static final String LOCALHOST = "localhost";

    private DomainNames() {
    }

    /**
     * The name in canonical form (lower case, ASCII, no trailing dot), or an explanation of
     * what is wrong with it.
     */
    public static String canonical(String raw) {
        String name = raw.trim().toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        boolean wildcard = name.startsWith("*.");
        String base = wildcard ? name.substring(2) : name;
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
     * failure for one name never holds up another. Order of first appearance is kept.
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
