package dev.autotls.internal.acmedns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An address range in CIDR notation, as acme-dns accepts it in {@code allowfrom}: an
 * IPv4 or IPv6 address, a slash and a prefix length; brackets around the address are
 * dropped. A bare address is not a CIDR.
 */
public record Cidr(InetAddress network, int prefix, String text) {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** Parses {@code raw}, or empty when it is not a CIDR (no DNS look-ups, ever). */
    public static Optional<Cidr> parse(String raw) {
        String text = raw.replace("[", "").replace("]", "").trim();
        int slash = text.indexOf('/');
        if (slash <= 0 || slash != text.lastIndexOf('/')) {
            return Optional.empty();
        }
        String address = text.substring(0, slash);
        String length = text.substring(slash + 1);
        boolean v4 = IPV4.matcher(address).matches();
        if (!v4 && !IPV6.matcher(address).matches() || !length.matches("\\d{1,3}")) {
            return Optional.empty();
        }
        try {
            if (v4) {
                for (String part : address.split("\\.")) {
                    if (Integer.parseInt(part) > 255) {
                        return Optional.empty();
                    }
                }
            }
            InetAddress parsed = InetAddress.getByName(address); // a literal: never a look-up
            int prefix = Integer.parseInt(length);
            if (prefix > parsed.getAddress().length * 8) {
                return Optional.empty();
            }
            return Optional.of(new Cidr(parsed, prefix, text));
        } catch (UnknownHostException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code address} is inside this range (an IPv4 address never matches an IPv6 range). */
    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        byte[] base = network.getAddress();
        if (candidate.length != base.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (candidate[i] != base[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (candidate[full] & mask) == (base[full] & mask);
    }

    @Override
    public String toString() {
        return text;
    }
}
