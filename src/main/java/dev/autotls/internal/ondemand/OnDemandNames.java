package dev.autotls.internal.ondemand;

import dev.autotls.internal.config.DomainNames;
import dev.autotls.internal.names.IpAddresses;

/**
 * Which server names may be obtained on demand: syntactically valid DNS names of at most 253
 * characters, never a wildcard or an IP address (clients send no SNI for an address, so one in SNI
 * is not a real client). Judged before anybody is asked.
 */
final class OnDemandNames {
    static final int MAX_LENGTH = 253;

    private OnDemandNames() {
    }

    /**
     * The name in canonical form.
     *
     * @throws IllegalArgumentException saying why {@code sent} may not be obtained on demand
     */
    static String canonical(String sent) {
        if (sent == null || sent.isEmpty()) {
            throw new IllegalArgumentException("no server name");
        }
        if (sent.length() > MAX_LENGTH + 1) { // a trailing dot is allowed beyond the 253
            throw new IllegalArgumentException("a server name of " + sent.length() + " characters (at most " + MAX_LENGTH + ")");
        }
        if (sent.indexOf('*') >= 0) {
            throw new IllegalArgumentException("'" + sent + "' is a wildcard, never obtained on demand");
        }
        if (IpAddresses.looksLikeAddress(sent)) {
            throw new IllegalArgumentException("'" + sent + "' is an IP address, never obtained on demand");
        }
        String name = DomainNames.canonical(sent); // its sentence names what is wrong
        if (name.length() > MAX_LENGTH || DomainNames.isAddress(name)) {
            throw new IllegalArgumentException("'" + sent + "' is not a DNS name that can be obtained on demand");
        }
        return name;
    }
}
