package dev.autotls.internal.localca;

import dev.autotls.internal.names.IpAddresses;
import java.util.Collection;
import java.util.List;

/**
 * The names the local CA issues for: {@code localhost} and the names under it, names under
 * {@code .test}, {@code .internal} and {@code .home.arpa}, and loopback and private IP addresses,
 * none of which a public CA can issue for, so a certificate for them can never stand in for a
 * public site. The same lists become the root's name constraints ({@link AuthorityCertificates}),
 * so the check here and what browsers enforce never differ; the address blocks were in the root
 * from the start, so issuing for addresses needed no root to be trusted again.
 */
public final class LocalNames {
    /** The DNS subtrees: each name itself and every name under it (RFC 5280 matching). */
    static final List<String> PERMITTED_DNS = List.of("localhost", "test", "internal", "home.arpa");
    /**
     * Address blocks the root permits (address, prefix length): loopback and private ranges. A root
     * whose constraints named no iPAddress subtree would vouch for any address at all.
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
        if (IpAddresses.isAddress(name)) {
            return permittedAddress(name);
        }
        String host = name.startsWith("*.") ? name.substring(2) : name;
        return host.equals("localhost") || host.endsWith(".localhost") || host.endsWith(".test")
                || host.endsWith(".internal") || host.endsWith(".home.arpa");
    }

    /** Whether the canonical address {@code name} lies in one of {@link #PERMITTED_ADDRESSES}. */
    private static boolean permittedAddress(String name) {
        byte[] address = IpAddresses.parse(name).getAddress();
        for (String block : PERMITTED_ADDRESSES) {
            int slash = block.indexOf('/');
            byte[] network = IpAddresses.parse(block.substring(0, slash)).getAddress();
            int prefix = Integer.parseInt(block.substring(slash + 1));
            if (network.length == address.length && samePrefix(address, network, prefix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean samePrefix(byte[] address, byte[] network, int bits) {
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >> (i % 8);
            if ((address[i / 8] & mask) != (network[i / 8] & mask)) {
                return false;
            }
        }
        return true;
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
        return "localhost, *.localhost, names under .test, .internal and .home.arpa, and loopback and private IP addresses ("
                + String.join(", ", PERMITTED_ADDRESSES) + ")";
    }
}
