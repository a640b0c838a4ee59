package dev.autotls.internal.acmedns;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * acme-dns's {@code [database] connection} for {@code engine = "postgres"}, read as lib/pq
 * (acme-dns's driver) reads it: the URL form
 * {@code postgres://user:password@host:port/dbname?sslmode=verify-full&...} (percent-escapes
 * decoded, {@code postgresql://} too, several hosts as {@code h1:5432,h2:5432}) or the
 * key=value form {@code host=db user=acme password='with space' dbname=acme}.
 *
 * <p>Defaults are lib/pq's: host {@code localhost}, port 5432, {@code sslmode=require}
 * (encrypted, certificate not checked: lib/pq's default, stricter than libpq's
 * {@code prefer}), the database named after the user. Client settings understood:
 * {@code sslmode}, {@code sslrootcert}, {@code sslcert}, {@code sslkey},
 * {@code connect_timeout}, {@code application_name}, {@code options}; any other key is, as in
 * lib/pq, a server run-time setting such as {@code search_path}. lib/pq's client settings
 * that this driver cannot honour are refused by name. Environment variables ({@code PGHOST},
 * ...) and {@code .pgpass} are not read.
 *
 * <p>{@link #toString()} and every error message show the password as {@code ***}.
 */
public final class PostgresConnection {
    private static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    private static final Set<String> CLIENT = Set.of("host", "port", "dbname", "user", "password", "sslmode", "sslrootcert",
            "sslcert", "sslkey", "connect_timeout", "application_name", "fallback_application_name", "options",
            "client_encoding");
    /** lib/pq settings that change nothing here: the driver always keeps connections alive, sends SNI, etc. */
    private static final Set<String> HARMLESS = Set.of("keepalives", "keepalives_interval", "binary_parameters",
            "disable_prepared_binary_result", "sslsni");
    /** lib/pq settings whose meaning this driver would silently lose. */
    private static final Set<String> UNSUPPORTED = Set.of("hostaddr", "passfile", "service", "servicefile",
            "target_session_attrs", "load_balance_hosts", "sslinline", "sslnegotiation", "sslpassword",
            "ssl_min_protocol_version", "ssl_max_protocol_version", "min_protocol_version", "max_protocol_version",
            "krbsrvname", "krbspn");
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/?#@]*?:)[^/?#]*@");
    private static final Pattern QUERY_PASSWORD = Pattern.compile("([?&]password=)[^&#]*");
    private static final Pattern PAIR_PASSWORD = Pattern.compile("(password\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'?|\\S+)");

    private final Map<String, String> settings;
    private final String password;

    private PostgresConnection(Map<String, String> settings, String password) {
        this.settings = settings;
        this.password = password;
    }

    /**
     * Reads {@code text}.
     *
     * @throws IllegalArgumentException saying what is wrong, with the text's password hidden
     */
    public static PostgresConnection parse(String text) {
        String trimmed = text.trim();
        Map<String, String> settings = trimmed.startsWith("postgres://") || trimmed.startsWith("postgresql://")
                ? fromUrl(trimmed) : fromPairs(trimmed);
        String password = settings.remove("password");
        for (String key : settings.keySet()) {
            if (UNSUPPORTED.contains(key)) {
                throw wrong(text, "this responder's PostgreSQL driver cannot honour '" + key + "'; remove it");
            }
        }
        PostgresConnection connection = new PostgresConnection(settings, password);
        connection.check(text);
        return connection;
    }

    private void check(String text) {
        for (String host : hosts()) {
            if (host.startsWith("/")) {
                throw wrong(text, "host '" + host + "' is a Unix-domain socket folder; give a TCP host name or address");
            }
        }
        try {
            for (int port : ports()) {
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
            }
        } catch (NumberFormatException e) {
            throw wrong(text, "port '" + settings.get("port") + "' is not a port number (1 to 65535)");
        }
        if (ports().length != 1 && ports().length != hosts().size()) {
            throw wrong(text, "give one port, or one port per host (" + hosts().size() + " hosts)");
        }
        if (!SSL_MODES.contains(sslMode())) {
            throw wrong(text, "sslmode '" + sslMode() + "': use disable, allow, prefer, require, verify-ca or verify-full");
        }
        String timeout = settings.getOrDefault("connect_timeout", "0");
        if (!timeout.matches("\\d{1,6}")) {
            throw wrong(text, "connect_timeout '" + timeout + "' is not a number of seconds");
        }
        String encoding = settings.getOrDefault("client_encoding", "UTF8");
        if (!encoding.replace("-", "").equalsIgnoreCase("UTF8")) {
            throw wrong(text, "client_encoding '" + encoding + "': only UTF8 is possible, as with acme-dns");
        }
    }

    private static IllegalArgumentException wrong(String text, String what) {
        return new IllegalArgumentException("'" + redact(text) + "': " + what);
    }

    /** {@code text} with any password in it replaced by {@code ***}, for messages and logs. */
    static String redact(String text) {
        String hidden = URL_PASSWORD.matcher(text).replaceFirst("$1***@");
        hidden = QUERY_PASSWORD.matcher(hidden).replaceAll("$1***");
        return text.startsWith("postgres") ? hidden : PAIR_PASSWORD.matcher(hidden).replaceAll("$1***");
    }

    /** lib/pq's URL form: user info, hosts, path as the database, query parameters as settings. */
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
            put(settings, "user", decode(text, colon >= 0 ? userInfo.substring(0, colon) : userInfo, false));
            if (colon >= 0) {
                settings.put("password", decode(text, userInfo.substring(colon + 1), false));
            }
            authority = authority.substring(at + 1);
        }
        List<String> hosts = new ArrayList<>();
        List<String> ports = new ArrayList<>();
        for (String entry : authority.isEmpty() ? new String[0] : authority.split(",", -1)) {
            int close = entry.startsWith("[") ? entry.indexOf(']') : -1;
            if (entry.startsWith("[") && close < 0) {
                throw wrong(text, "the IPv6 address '" + entry + "' lacks its closing ]");
            }
            int colon = close >= 0 ? entry.indexOf(':', close) : entry.lastIndexOf(':');
            hosts.add(decode(text, colon >= 0 ? entry.substring(0, colon) : entry, false).replace("[", "").replace("]", ""));
            if (colon >= 0) {
                ports.add(entry.substring(colon + 1));
            }
        }
        put(settings, "host", String.join(",", hosts));
        put(settings, "port", String.join(",", ports));
        put(settings, "dbname", decode(text, path, false));
        for (String pair : queryPart.split("&")) {
            if (!pair.isEmpty()) {
                int equals = pair.indexOf('=');
                String key = decode(text, equals >= 0 ? pair.substring(0, equals) : pair, true);
                settings.put(key, decode(text, equals >= 0 ? pair.substring(equals + 1) : "", true));
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
    private static String decode(String text, String part, boolean query) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == '%') {
                if (i + 2 >= part.length() || Character.digit(part.charAt(i + 1), 16) < 0
                        || Character.digit(part.charAt(i + 2), 16) < 0) {
                    throw wrong(text, "'%' must start an escape such as %40 (for @); write a literal % as %25");
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

    /** lib/pq's key=value form: whitespace between pairs, single quotes around values with spaces, \ escapes. */
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
                throw wrong(text, "'" + key + "' has no '=': give a postgres:// URL or key=value pairs");
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
                    throw wrong(text, "the value of '" + key + "' opens a quote that is never closed");
                }
                i++;
            }
            settings.put(key, value.toString());
        }
    }

    /** The hosts to try, in order. */
    public List<String> hosts() {
        return List.of(settings.getOrDefault("host", "localhost").split(","));
    }

    /** One port for all hosts, or one per host. */
    int[] ports() {
        String[] parts = settings.getOrDefault("port", "5432").split(",");
        int[] ports = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            ports[i] = Integer.parseInt(parts[i].trim());
        }
        return ports;
    }

    public String user() {
        return settings.getOrDefault("user", System.getProperty("user.name"));
    }

    public String database() {
        return settings.getOrDefault("dbname", user());
    }

    public String sslMode() {
        return settings.getOrDefault("sslmode", "require").toLowerCase(Locale.ROOT);
    }

    /** The password, or null when none is given (the server may not ask for one). Never log it. */
    String password() {
        return password;
    }

    /** A client setting of lib/pq's ({@code sslrootcert}, {@code connect_timeout}, ...), or null. */
    String setting(String key) {
        return settings.get(key);
    }

    /** Keys that are server run-time settings (sent at connection start), with their values. */
    Map<String, String> serverSettings() {
        Map<String, String> server = new LinkedHashMap<>();
        settings.forEach((key, value) -> {
            if (!CLIENT.contains(key) && !HARMLESS.contains(key)) {
                server.put(key, value);
            }
        });
        return server;
    }

    /** The connection as a URL, password hidden. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("postgres://").append(user());
        if (password != null) {
            text.append(":***");
        }
        text.append('@');
        int[] ports = ports();
        List<String> hosts = hosts();
        for (int i = 0; i < hosts.size(); i++) {
            String host = hosts.get(i).contains(":") ? "[" + hosts.get(i) + "]" : hosts.get(i);
            text.append(i > 0 ? "," : "").append(host).append(':').append(ports[Math.min(i, ports.length - 1)]);
        }
        text.append('/').append(database()).append("?sslmode=").append(sslMode());
        settings.forEach((key, value) -> {
            if (!Set.of("user", "host", "port", "dbname", "sslmode").contains(key)) {
                text.append('&').append(key).append('=').append(value);
            }
        });
        return text.toString();
    }
}
