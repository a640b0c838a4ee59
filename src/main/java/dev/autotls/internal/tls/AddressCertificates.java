package dev.autotls.internal.tls;

import dev.autotls.internal.names.IpAddresses;
import java.net.InetAddress;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The IP address certificates, served to handshakes without SNI (clients send none for an address):
 * the one for the address the client connected to, else the first one published. Always in memory
 * (there are few), whatever the registry's cache does. Handshakes read two volatile fields and an
 * immutable map; changes come under the registry's lock only.
 */
final class AddressCertificates {
    /** In the order first published; changed under the registry's lock only. */
    private final Map<InetAddress, CertifiedKey> order = new LinkedHashMap<>();
    /** An immutable copy of {@link #order} for the handshake path. */
    private volatile Map<InetAddress, CertifiedKey> byAddress = Map.of();
    /** The first of {@link #order}, or null when no address certificate is served. */
    private volatile CertifiedKey first;
    private final LocalAddresses localAddresses;

    AddressCertificates(LocalAddresses localAddresses) {
        this.localAddresses = localAddresses;
    }

    /**
     * {@code entry} serves its addresses: in place of the one it replaces (keeping its place), or, when
     * {@code replacing} is false (a load), only where no certificate serves the address yet.
     */
    void serve(CertifiedKey entry, boolean replacing) {
        boolean changed = false;
        for (String name : entry.names()) {
            if (IpAddresses.isAddress(name)) {
                InetAddress address = IpAddresses.parse(name);
                if (replacing || !order.containsKey(address)) {
                    order.put(address, entry);
                    changed = true;
                }
            }
        }
        if (changed) {
            publish();
        }
    }

    /** The addresses among {@code names} are no longer served. */
    void withdraw(Collection<String> names) {
        boolean changed = false;
        for (String name : names) {
            if (IpAddresses.isAddress(name)) {
                changed |= order.remove(IpAddresses.parse(name)) != null;
            }
        }
        if (changed) {
            publish();
        }
    }

    /** Makes {@link #order} visible to handshakes. */
    private void publish() {
        byAddress = Map.copyOf(order);
        first = order.isEmpty() ? null : order.values().iterator().next();
        localAddresses.wanted(!order.isEmpty());
    }

    /** The certificate of {@code local} (null when unknown), else the first; null when none is served. */
    CertifiedKey forAddress(InetAddress local) {
        CertifiedKey firstEntry = first;
        if (firstEntry == null || local == null) {
            return firstEntry;
        }
        CertifiedKey exact = byAddress.get(local);
        return exact != null ? exact : firstEntry;
    }

    /** Whether any IP address certificate is served. */
    boolean any() {
        return first != null;
    }
}
