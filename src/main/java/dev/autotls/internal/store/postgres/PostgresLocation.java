package dev.autotls.internal.store.postgres;

import dev.autotls.internal.postgres.ConnectionString;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where a PostgreSQL store is, parsed from {@code autotls.storage}:
 * {@code postgresql://user[:password]@host[:port]/database[?params]}, the same with
 * {@code postgres://}, or {@code jdbc:postgresql://host[:port]/database[?params]}, read by
 * {@link ConnectionString} as the responder's connection strings are. The query
 * parameters ({@code sslmode}, {@code sslrootcert}, ...) go to the JDBC driver as they are. A
 * password may come from the URL or, so that it stays out of process lists, from
 * {@code autotls.storage.password}. {@link #toString} never shows the password.
 */
public record PostgresLocation(String host, int port, String database, String user, String password,
                               Map<String, String> parameters) {
    private static final String SETTING = "autotls.storage";

    public PostgresLocation {
        parameters = Map.copyOf(parameters);
    }

    /** Whether {@code value} names a PostgreSQL store rather than a folder. */
    public static boolean isPostgres(String value) {
        return ConnectionString.isUrl(value);
    }

    /**
     * Parses {@code value} with the one connection-string reader ({@link ConnectionString});
     * {@code passwordSetting} (may be null) wins over a password in the URL.
     *
     * @throws IllegalArgumentException naming the setting and what is wrong, without the password
     */
    public static PostgresLocation parse(String value, String passwordSetting) {
        return parse(value, passwordSetting, SETTING);
    }

    /** {@link #parse(String, String)} for the setting named {@code setting} ({@code autotls.storage.listen-url}), as messages name it. */
    public static PostgresLocation parse(String value, String passwordSetting, String setting) {
        if (!isPostgres(value)) {
            throw new IllegalArgumentException(setting + " = '" + masked(value)
                    + "' is not a PostgreSQL URL; use postgresql://user@host:5432/database");
        }
        ConnectionString parsed;
        try {
            parsed = ConnectionString.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + " = '" + masked(value) + "' is not a valid URL (" + e.getMessage()
                    + "); use postgresql://user@host:5432/database");
        }
        Map<String, String> parameters = new LinkedHashMap<>(parsed.settings());
        String host = parameters.remove("host");
        parameters.remove("port");
        String database = parameters.remove("dbname");
        String user = parameters.remove("user");
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException(setting + " = '" + masked(value)
                    + "' names no host; use postgresql://user@host:5432/database");
        }
        if (parsed.hosts().size() != 1) {
            throw new IllegalArgumentException(setting + " = '" + masked(value) + "' names " + parsed.hosts().size()
                    + " hosts; give one: postgresql://user@host:5432/database");
        }
        if (database == null || database.isEmpty() || database.contains("/")) {
            throw new IllegalArgumentException(setting + " = '" + masked(value)
                    + "' names no database; add it after the host: postgresql://user@host:5432/database");
        }
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException(setting + " = '" + masked(value)
                    + "' names no user; use postgresql://user@host:5432/database");
        }
        String password = passwordSetting != null && !passwordSetting.isEmpty() ? passwordSetting : parsed.password();
        return new PostgresLocation(parsed.hosts().get(0), parsed.ports()[0], database, user, password, parameters);
    }

    /**
     * This location with {@code defaults} beneath its own parameters: the listening connection takes the
     * store's TLS parameters ({@code sslmode}, {@code sslrootcert}, ...) unless its URL names its own.
     */
    public PostgresLocation withParametersBeneath(Map<String, String> defaults) {
        Map<String, String> merged = new LinkedHashMap<>(defaults);
        merged.putAll(parameters);
        return new PostgresLocation(host, port, database, user, password, merged);
    }

    /** The JDBC URL without credentials (they are passed as properties). */
    public String jdbcUrl() {
        StringBuilder url = new StringBuilder("jdbc:postgresql://").append(hostForUrl()).append(':').append(port)
                .append('/').append(database);
        return url.toString();
    }

    public Optional<String> passwordValue() {
        return Optional.ofNullable(password);
    }

    /** {@code host:port}, as messages name where they connected. */
    public String hostPort() {
        return hostForUrl() + ":" + port;
    }

    private String hostForUrl() {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    @Override
    public String toString() {
        return "postgresql://" + user + "@" + hostForUrl() + ":" + port + "/" + database;
    }

    /** {@code value} with any password in it replaced, for error messages. */
    static String masked(String value) {
        return ConnectionString.redact(value);
    }
}
