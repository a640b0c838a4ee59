package dev.autotls.internal.engine.pacing;

import crawlercommons.domains.EffectiveTldFinder;
import dev.autotls.internal.names.IpAddresses;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The registered domain of a name (one label below its public suffix), as a CA counts its
 * per-domain limit: from the Public Suffix List that crawler-commons bundles and refreshes with
 * each release, private suffixes included (as Let's Encrypt counts them: each {@code *.github.io}
 * site is a domain of its own). A name under no listed suffix falls back to the list's default rule
 * (the last two labels); an IP address is its own. The list is read once, on first use (about
 * 0.3 s), never on the handshake path; a look-up then takes about a microsecond.
 */
public final class RegisteredDomains {
    private RegisteredDomains() {
    }

    /** The registered domain of {@code name} ({@code *.} ignored), lower case. */
    public static String of(String name) {
        String host = name.startsWith("*.") ? name.substring(2) : name;
        host = host.toLowerCase(Locale.ROOT);
        if (IpAddresses.isAddress(host)) {
            return host;
        }
        String assigned = EffectiveTldFinder.getAssignedDomain(host, true, false);
        if (assigned != null) {
            return assigned;
        }
        int last = host.lastIndexOf('.');
        int before = last <= 0 ? -1 : host.lastIndexOf('.', last - 1);
        return before < 0 ? host : host.substring(before + 1);
    }

    /** The registered domains of {@code names}, in order, each once. */
    public static List<String> of(List<String> names) {
        Set<String> domains = new LinkedHashSet<>();
        for (String name : names) {
            domains.add(of(name));
        }
        return List.copyOf(domains);
    }
}
