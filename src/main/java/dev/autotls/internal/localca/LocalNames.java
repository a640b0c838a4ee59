package dev.autotls.internal.localca;

import java.util.Collection;
import java.util.List;

/**
 * The names the local CA issues for: {@code localhost} and the names under it, and names under
 * {@code .test}, {@code .internal} and {@code .home.arpa}, none of which a public CA can issue
 * for, so a certificate for them can never stand in for a public site. The same list becomes the
 * root's name constraints ({@link AuthorityCertificates}), so the check here and what browsers
 * enforce never differ.
 *
 * <p>IP addresses are not issued yet; when the names issue allows them, {@link #isLocal} learns
 * loopback and private addresses, which the root already permits ({@link #PERMITTED_ADDRESSES}),
 * so no root has to be trusted again.
 */
public final class LocalNames {
    /** The DNS subtrees: each name itself and every name under it (RFC 5280 matching). */
    static final List<String> PERMITTED_DNS = List.of("localhost", "test", "internal", "home.arpa");
    /**
     * Address blocks the root permits (address, prefix length): loopback and private ranges. Permitted
     * now, issued later, because a root whose constraints name no iPAddress subtree would vouch for any
     * address at all.
     */
    static final List<String> PERMITTED_ADDRESSES = List.of("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12",
            "192.168.0.0/16", "::1/128", "fc00::/7");

    private LocalNames() {
    }

    /**
     * Whether the local CA may issue for {@code name} (canonical: lower case, no trailing dot). A
     * wildcard counts when its base does, so {@code *.localhost} is local and {@code *.test} is not
     * (it would cover a whole top-level domain).
     */
    public static boolean isLocal(String name) {
        String host = name.startsWith("*.") ? name.substring(2) : name;
        return host.equals("localhost") || host.endsWith(".localhost") || host.endsWith(".test")
                || host.endsWith(".internal") || host.endsWith(".home.arpa");
    }

    /**
     * Whether {@code name} is {@code localhost} or under it (RFC 6761): no ACME CA can validate such a
     * name, since its validation request would reach the CA's own machine, so the local CA issues it
     * whatever CA is configured.
     */
    public static boolean isLocalhost(String name) {
        String host = name.startsWith("*.") ? name.substring(2) : name;
        return host.equals("localhost") || host.endsWith(".localhost");
    }

    /** Whether every name of one certificate is local. */
    public static boolean allLocal(Collection<String> names) {
        return !names.isEmpty() && names.stream().allMatch(LocalNames::isLocal);
    }

    /** The first name that is not local, for a refusal that names it; null when all are local. */
    public static String firstPublic(Collection<String> names) {
        return names.stream().filter(name -> !isLocal(name)).findFirst().orElse(null);
    }

    /** The namespaces in words, for messages. */
    public static String described() {
        return "localhost, *.localhost and names under .test, .internal and .home.arpa";
    }
}
