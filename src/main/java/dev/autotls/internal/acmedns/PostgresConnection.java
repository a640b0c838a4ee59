package dev.autotls.internal.acmedns;

import dev.autotls.internal.postgres.ConnectionString;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * acme-dns's {@code [database] connection} for {@code engine = "postgres"}, read as lib/pq
 * (acme-dns's driver) reads it: the URL form
 * {@code postgres://user:password@host:port/dbname?sslmode=verify-full&...} (percent-escapes
 * decoded, {@code postgresql://} too, several hosts as {@code h1:5432,h2:5432}) or the
 * key=value form {@code host=db user=acme password='with space' dbname=acme}, read by
 * {@link ConnectionString} as {@code autotls.storage} is.
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

    private final ConnectionString parsed;
    private final Map<String, String> settings;

    private PostgresConnection(ConnectionString parsed, Map<String, String> settings) {
        this.parsed = parsed;
        this.settings = settings;
    }

    /**
     * Reads {@code text}.
     *
     * @throws IllegalArgumentException saying what is wrong, with the text's password hidden
     */
    public static PostgresConnection parse(String text) {
        ConnectionString parsed;
        try {
            parsed = ConnectionString.parse(text);
        } catch (IllegalArgumentException e) {
            throw wrong(text, e.getMessage());
        }
        Map<String, String> settings = new LinkedHashMap<>(parsed.settings());
        for (String key : settings.keySet()) {
            if (UNSUPPORTED.contains(key)) {
                throw wrong(text, "this responder's PostgreSQL driver cannot honour '" + key + "'; remove it");
            }
        }
        PostgresConnection connection = new PostgresConnection(parsed, settings);
        connection.check(text);
        return connection;
    }

    private void check(String text) {
        for (String host : hosts()) {
            if (host.startsWith("/")) {
                throw wrong(text, "host '" + host + "' is a Unix-domain socket folder; give a TCP host name or address");
            }
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
        return ConnectionString.redact(text);
    }

    /** The hosts to try, in order. */
    public List<String> hosts() {
        return parsed.hosts();
    }

    /** One port for all hosts, or one per host. */
    int[] ports() {
        return parsed.ports();
    }

    /** {@code host:port} of each host, as messages name where the responder connected. */
    String hostPorts() {
        return parsed.hostPorts();
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
        return parsed.password();
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
        if (parsed.password() != null) {
            text.append(":***");
        }
        text.append('@');
        text.append(hostPorts()).append('/').append(database()).append("?sslmode=").append(sslMode());
        settings.forEach((key, value) -> {
            if (!Set.of("user", "host", "port", "dbname", "sslmode").contains(key)) {
                text.append('&').append(key).append('=').append(value);
            }
        });
        return text.toString();
    }
}
