package dev.autotls.internal.names;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * IP address literals as certificate names: recognising them, their canonical text (IPv4 as a
 * dotted quad, IPv6 as RFC 5952 section 4 writes it), their bytes and the reverse-DNS name that
 * tls-alpn-01 uses for them (RFC 8738 section 6).
 *
 * <p>No method here asks DNS: IPv4 is parsed by hand, and IPv6 text reaches
 * {@link InetAddress#getByName} only after it is known to hold a colon and nothing but hex digits,
 * colons and dots, a form the JDK treats as a literal and only checks.
 */
public final class IpAddresses {
    private IpAddresses() {
    }

    /**
     * Whether {@code text} is meant as an address rather than a domain name: it has a colon or
     * brackets (no DNS name has), or every dot-separated part is a number (no top-level domain is
     * all digits, RFC 3696 section 2). Such text is judged as an address, so a mistake in it is
     * explained as one.
     */
    public static boolean looksLikeAddress(String text) {
        if (text.indexOf(':') >= 0 || text.startsWith("[")) {
            return true;
        }
        String body = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        if (body.isEmpty()) {
            return false;
        }
        for (String part : body.split("\\.", -1)) {
            if (part.isEmpty() || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code name}, already canonical (as {@link #canonical} returns it), is an address. On
     * the handshake path's side of things too, so it only looks at characters: a canonical IPv6
     * address has a colon, a canonical IPv4 address starts with a digit and ends with one, and no
     * canonical domain name accepted by the configuration does both with only digits and dots.
     */
    public static boolean isAddress(String name) {
        if (name.indexOf(':') >= 0) {
            return true;
        }
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The canonical text of the address {@code raw} (surrounding spaces and IPv6 brackets allowed),
     * or an {@link IllegalArgumentException} whose message names the value and what to write
     * instead.
     */
    public static String canonical(String raw) {
        return text(parse(raw));
    }

    /**
     * The address {@code raw} stands for, judged as {@link #canonical} judges it. Refused: zone ids
     * ({@code %eth0}), IPv4-mapped IPv6 ({@code ::ffff:192.0.2.1}: the IPv4 address is what clients
     * connect to), leading zeros in IPv4 (read as octal by some software), the unspecified address.
     */
    public static InetAddress parse(String raw) {
        String text = raw.trim();
        if (text.startsWith("[") && text.endsWith("]") && text.length() > 2) {
            text = text.substring(1, text.length() - 1);
        }
        InetAddress address = text.indexOf(':') >= 0 ? parseV6(raw, text) : parseV4(raw, text);
        if (address.isAnyLocalAddress()) {
            throw new IllegalArgumentException("'" + raw + "' is the unspecified address, which no client connects to; "
                    + "give the address clients use to reach this server");
        }
        return address;
    }

    private static InetAddress parseV4(String raw, String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("'" + raw + "' is neither a domain name nor an IPv4 address; an IPv4 address is "
                    + "four numbers from 0 to 255 with dots between, e.g. 192.0.2.10");
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("'" + raw + "' is not an IPv4 address: '" + part
                        + "' is not a number from 0 to 255; write it like 192.0.2.10");
            }
            if (part.length() > 1 && part.charAt(0) == '0') {
                throw new IllegalArgumentException("'" + raw + "' has a leading zero in '" + part
                        + "', which some software reads as octal; write the address without leading zeros, e.g. "
                        + withoutLeadingZeros(parts));
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                throw new IllegalArgumentException("'" + raw + "' is not an IPv4 address: " + part
                        + " is more than 255; write it like 192.0.2.10");
            }
            bytes[i] = (byte) value;
        }
        return byAddress(bytes);
    }

    private static String withoutLeadingZeros(String[] parts) {
        StringBuilder fixed = new StringBuilder();
        for (String part : parts) {
            String digits = part.replaceFirst("^0+(?=.)", "");
            fixed.append(fixed.length() == 0 ? "" : ".").append(digits);
        }
        return fixed.toString();
    }

    private static InetAddress parseV6(String raw, String text) {
        int zone = text.indexOf('%');
        if (zone >= 0) {
            throw new IllegalArgumentException("'" + raw + "' names a network interface (" + text.substring(zone)
                    + "), which a certificate cannot hold; give the address without it, e.g. " + text.substring(0, zone));
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                throw new IllegalArgumentException("'" + raw + "' is not an IPv6 address ('" + c
                        + "' is not a hex digit, ':' or '.'); write it like 2001:db8::10");
            }
        }
        InetAddress address;
        try {
            // a literal with a colon: the JDK checks its form and never looks it up
            address = InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + raw + "' is not an IPv6 address (eight groups of up to four hex digits, "
                    + "'::' once for a run of zeros); write it like 2001:db8::10");
        }
        if (address instanceof Inet4Address) {
            // the JDK turns ::ffff:a.b.c.d into the IPv4 address it maps
            throw new IllegalArgumentException("'" + raw + "' is an IPv4-mapped IPv6 address; clients reach it as "
                    + address.getHostAddress() + ", so name " + address.getHostAddress() + " instead");
        }
        return byAddress(address.getAddress()); // drops any scope the JDK attached
    }

    /** The canonical text of {@code address}: dotted quad, or RFC 5952 IPv6 (lower case, no leading zeros, longest zero run as ::). */
    public static String text(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        // RFC 5952 4.2: the longest run of two or more zero groups becomes "::", the first of equal runs
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    /**
     * The reverse-DNS name of canonical address {@code name}: {@code 1.0.0.127.in-addr.arpa} for
     * {@code 127.0.0.1}, the 32 nibbles under {@code ip6.arpa} for IPv6. A CA sends it as the SNI of
     * its tls-alpn-01 handshake for an address (RFC 8738 section 6).
     */
    public static String reverseName(String name) {
        byte[] bytes = parse(name).getAddress();
        StringBuilder out = new StringBuilder(bytes.length == 4 ? 29 : 73);
        if (bytes.length == 4) {
            for (int i = 3; i >= 0; i--) {
                out.append(bytes[i] & 0xff).append('.');
            }
            return out.append("in-addr.arpa").toString();
        }
        for (int i = 15; i >= 0; i--) {
            out.append(Character.forDigit(bytes[i] & 0x0f, 16)).append('.')
                    .append(Character.forDigit((bytes[i] >> 4) & 0x0f, 16)).append('.');
        }
        return out.append("ip6.arpa").toString().toLowerCase(Locale.ROOT);
    }

    private static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes); // raw bytes: never a look-up
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException("an address of " + bytes.length + " bytes", impossible);
        }
    }
}
