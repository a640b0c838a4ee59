package dev.autotls.internal.postgres;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one reader of PostgreSQL connection strings, for the certificate store
 * ({@code autotls.storage}) and the responder's database ({@code [database] connection}):
 * the URL form {@code postgres://user:password@host:port/dbname?key=value&...} (also
 * {@code postgresql://} and {@code jdbc:postgresql://}; percent-escapes decoded as Go's
 * net/url does, {@code +} a space only in the query; several hosts as {@code h1:5432,h2:5433})
 * or libpq's key=value form {@code host=db user=acme password='with space' dbname=acme}.
 *
 * <p>It only reads: every key lands in {@link #settings()} under libpq's names ({@code host},
 * {@code port}, {@code dbname}, {@code user}, and the query's keys as given), the password
 * apart. What a key means, which are required and which are refused is the caller's
 * ({@code PostgresLocation} for the store, {@code PostgresConnection} for the responder).
 * Errors say only what is wrong, never the text, so the caller can name its setting and show
 * the text through {@link #redact}.
 */
public final class ConnectionString {
    /** The user's password in the URL form: from the ':' after the user up to the last '@', whatever it holds. */
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/?#@:]*:).*@");
    private static final Pattern QUERY_PASSWORD = Pattern.compile("(?i)([?&]password=)[^&#]*");
    private static final Pattern PAIR_PASSWORD = Pattern.compile("(password\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'?|\\S+)");

    private final Map<String, String> settings;
    private final String password;

    private ConnectionString(Map<String, String> settings, String password) {
        this.settings = settings;
        this.password = password;
    }

    /** Whether {@code text} is in the URL form (any of its three schemes, in any case). */
    public static boolean isUrl(String text) {
        String lower = text.trim().toLowerCase(Locale.ROOT);
        return lower.startsWith("postgresql://") || lower.startsWith("postgres://") || lower.startsWith("jdbc:postgresql://");
    }

    /**
     * Reads {@code text}.
     *
     * @throws IllegalArgumentException saying what is wrong, without {@code text} (it may hold a password)
     */
    public static ConnectionString parse(String text) {
        String trimmed = text.trim();
        if (isUrl(trimmed) && userInfoHoldsADelimiter(trimmed)) {
            // the authority would end inside the password, whose pieces would then be echoed as a host or port
            throw new IllegalArgumentException("the user's password holds '/', '?' or '#', which end the host part of a URL;"
                    + " percent-encode them (%2F, %3F, %23)");
        }
        Map<String, String> settings = isUrl(trimmed) ? fromUrl(trimmed) : fromPairs(trimmed);
        String password = settings.remove("password");
        ConnectionString parsed = new ConnectionString(settings, password);
        parsed.checkPorts();
        return parsed;
    }

    /** Whether an '@' comes after the first '/', '?' or '#' of the authority: a password with one of those unescaped. */
    private static boolean userInfoHoldsADelimiter(String url) {
        int start = url.indexOf("://") + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        int at = url.indexOf('@', end);
        int slashAfter = url.indexOf('/', end + 1);
        return end < url.length() && at > end && (slashAfter < 0 || at < slashAfter) && url.substring(start, end).contains(":");
    }

    private void checkPorts() {
        int[] ports;
        try {
            ports = ports();
            for (int port : ports) {
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port '" + settings.get("port") + "' is not a port number (1 to 65535)");
        }
        if (ports.length != 1 && ports.length != hosts().size()) {
            throw new IllegalArgumentException("give one port, or one port per host (" + hosts().size() + " hosts)");
        }
    }

    /** {@code text} with any password in it replaced by {@code ***}, for messages and logs. */
    public static String redact(String text) {
        String hidden = URL_PASSWORD.matcher(text).replaceFirst("$1***@");
        hidden = QUERY_PASSWORD.matcher(hidden).replaceAll("$1***");
        return isUrl(text) ? hidden : PAIR_PASSWORD.matcher(hidden).replaceAll("$1***");
    }

    /** Every key given but the password, under libpq's names, in the order given. */
    public Map<String, String> settings() {
        return settings;
    }

    /** The value of {@code key} ({@code host}, {@code sslmode}, ...), if given. */
    public Optional<String> setting(String key) {
        return Optional.ofNullable(settings.get(key));
    }

    /** The hosts to try, in order; {@code localhost} (libpq's default) when none is given. */
    public List<String> hosts() {
        return List.of(settings.getOrDefault("host", "localhost").split(","));
    }

    /** One port for all hosts, or one per host; 5432 when none is given. */
    public int[] ports() {
        String[] parts = settings.getOrDefault("port", "5432").split(",");
        int[] ports = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            ports[i] = Integer.parseInt(parts[i].trim());
        }
        return ports;
    }

    /** {@code host:port} of each host, comma-separated, IPv6 addresses in brackets: where a message says it connected. */
    public String hostPorts() {
        List<String> hosts = hosts();
        int[] ports = ports();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < hosts.size(); i++) {
            String host = hosts.get(i).contains(":") ? "[" + hosts.get(i) + "]" : hosts.get(i);
            text.append(i > 0 ? "," : "").append(host).append(':').append(ports[Math.min(i, ports.length - 1)]);
        }
        return text.toString();
    }

    /** The password, or null when none is given. Never log it. */
    public String password() {
        return password;
    }

    /** The URL form: user info, hosts, path as the database, query parameters as settings. */
    private static Map<String, String> fromUrl(String text) {
        String rest = text.substring(text.indexOf("://") + 3);
        int fragment = rest.indexOf('#');
        if (fragment >= 0) {
            rest = rest.substring(0, fragment);
        }
        int query = rest.indexOf('?');
        String queryPart = query >= 0 ? rest.substring(query + 1) : "";
        rest = query >= 0 ? rest.substring(0, query) : rest;
        int slash = rest.indexOf('/');
        String path = slash >= 0 ? rest.substring(slash + 1) : "";
        String authority = slash >= 0 ? rest.substring(0, slash) : rest;
        int at = authority.lastIndexOf('@');
        Map<String, String> settings = new LinkedHashMap<>();
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            int colon = userInfo.indexOf(':');
            put(settings, "user", decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo, false));
            if (colon >= 0) {
                settings.put("password", decode(userInfo.substring(colon + 1), false));
            }
            authority = authority.substring(at + 1);
        }
        List<String> hosts = new ArrayList<>();
        List<String> ports = new ArrayList<>();
        for (String entry : authority.isEmpty() ? new String[0] : authority.split(",", -1)) {
            int close = entry.startsWith("[") ? entry.indexOf(']') : -1;
            if (entry.startsWith("[") && close < 0) {
                throw new IllegalArgumentException("the IPv6 address '" + entry + "' lacks its closing ]");
            }
            int colon = close >= 0 ? entry.indexOf(':', close) : entry.lastIndexOf(':');
            hosts.add(decode(colon >= 0 ? entry.substring(0, colon) : entry, false).replace("[", "").replace("]", ""));
            if (colon >= 0) {
                ports.add(entry.substring(colon + 1));
            }
        }
        put(settings, "host", String.join(",", hosts));
        put(settings, "port", String.join(",", ports));
        put(settings, "dbname", decode(path, false));
        for (String pair : queryPart.split("&")) {
            if (!pair.isEmpty()) {
                int equals = pair.indexOf('=');
                String key = decode(equals >= 0 ? pair.substring(0, equals) : pair, true);
                settings.put(key, decode(equals >= 0 ? pair.substring(equals + 1) : "", true));
            }
        }
        return settings;
    }

    private static void put(Map<String, String> settings, String key, String value) {
        if (!value.isEmpty()) {
            settings.put(key, value);
        }
    }

    /** Percent-escapes, as Go's net/url undoes them ({@code +} is a space only in the query). */
    private static String decode(String part, boolean query) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == '%') {
                if (i + 2 >= part.length() || Character.digit(part.charAt(i + 1), 16) < 0
                        || Character.digit(part.charAt(i + 2), 16) < 0) {
                    throw new IllegalArgumentException("'%' must start an escape such as %40 (for @); write a literal % as %25");
                }
                bytes.write(Integer.parseInt(part.substring(i + 1, i + 3), 16));
                i += 2;
            } else if (c == '+' && query) {
                bytes.write(' ');
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** libpq's key=value form: whitespace between pairs, single quotes around values with spaces, \ escapes. */
    private static Map<String, String> fromPairs(String text) {
        Map<String, String> settings = new LinkedHashMap<>();
        int i = 0;
        int n = text.length();
        while (true) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return settings;
            }
            int start = i;
            while (i < n && text.charAt(i) != '=' && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            String key = text.substring(start, i);
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= n || text.charAt(i) != '=') {
                throw new IllegalArgumentException("'" + key + "' has no '=': give a postgres:// URL or key=value pairs");
            }
            i++;
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            boolean quoted = i < n && text.charAt(i) == '\'';
            if (quoted) {
                i++;
            }
            while (i < n && (quoted ? text.charAt(i) != '\'' : !Character.isWhitespace(text.charAt(i)))) {
                if (text.charAt(i) == '\\' && i + 1 < n) {
                    i++;
                }
                value.append(text.charAt(i++));
            }
            if (quoted) {
                if (i >= n) {
                    throw new IllegalArgumentException("the value of '" + key + "' opens a quote that is never closed");
                }
                i++;
            }
            settings.put(key, value.toString());
        }
    }
}
