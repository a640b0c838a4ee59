package dev.autotls.internal.config;

import java.net.InetSocketAddress;

/** {@code host:port} settings ({@code autotls.dns.resolvers}, {@code autotls.rfc2136.server}), parsed in one place. */
final class HostPort {
    private HostPort() {
    }

    /**
     * {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}, unresolved; {@code defaultPort} when none is given.
     *
     * @throws IllegalArgumentException when it is none of these
     */
    static InetSocketAddress parse(String text, int defaultPort) {
        String entry = text.trim();
        int colon = entry.lastIndexOf(':');
        boolean bareV6 = entry.indexOf(':') != colon && !entry.startsWith("[");
        try {
            String host = colon > 0 && !bareV6 && !entry.endsWith("]") ? entry.substring(0, colon) : entry;
            int port = host.length() < entry.length() ? Integer.parseInt(entry.substring(colon + 1)) : defaultPort;
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty() || port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return InetSocketAddress.createUnresolved(host, port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + entry + "' is not host:port (e.g. 127.0.0.1:53, [::1]:5353)");
        }
    }
}
