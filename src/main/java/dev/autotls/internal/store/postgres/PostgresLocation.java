package dev.autotls.internal.store.postgres;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where a PostgreSQL store is, parsed from {@code autotls.storage}:
 * {@code postgresql://user[:password]@host[:port]/database[?params]}, the same with
 * {@code postgres://}, or {@code jdbc:postgresql://host[:port]/database[?params]}. The query
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
        String lower = value.toLowerCase(Locale.ROOT);
        return lower.startsWith("postgresql://") || lower.startsWith("postgres://") || lower.startsWith("jdbc:postgresql://");
    }

    /**
     * Parses {@code value}; {@code passwordSetting} (may be null) wins over a password in the URL.
     *
     * @throws IllegalArgumentException naming the setting and what is wrong, without the password
     */
    public static PostgresLocation parse(String value, String passwordSetting) {
        String lower = value.toLowerCase(Locale.ROOT);
        String withoutJdbc = lower.startsWith("jdbc:") ? value.substring("jdbc:".length()) : value;
        URI uri;
        try {
            uri = new URI(withoutJdbc);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(SETTING + " = '" + masked(value) + "' is not a valid URL (" + e.getReason()
                    + "); use postgresql://user@host:5432/database");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException(SETTING + " = '" + masked(value)
                    + "' names no host; use postgresql://user@host:5432/database");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String database = path.startsWith("/") ? path.substring(1) : path;
        if (database.isEmpty() || database.contains("/")) {
            throw new IllegalArgumentException(SETTING + " = '" + masked(value)
                    + "' names no database; add it after the host: postgresql://user@host:5432/database");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                if (!pair.isEmpty()) {
                    int equals = pair.indexOf('=');
                    String key = decode(equals < 0 ? pair : pair.substring(0, equals));
                    parameters.put(key, equals < 0 ? "" : decode(pair.substring(equals + 1)));
                }
            }
        }
        String user = parameters.remove("user");
        String password = parameters.remove("password");
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            if (colon >= 0) {
                password = decode(info.substring(colon + 1));
            }
        }
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException(SETTING + " = '" + masked(value)
                    + "' names no user; use postgresql://user@host:5432/database");
        }
        if (passwordSetting != null && !passwordSetting.isEmpty()) {
            password = passwordSetting;
        }
        return new PostgresLocation(uri.getHost(), uri.getPort() == -1 ? 5432 : uri.getPort(), database, user,
                password, parameters);
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

    private String hostForUrl() {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    @Override
    public String toString() {
        return "postgresql://" + user + "@" + hostForUrl() + ":" + port + "/" + database;
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** {@code value} with any password in it replaced, for error messages. */
    static String masked(String value) {
        return value.replaceAll("(://[^:/@?]*:)[^@/?]*@", "$1***@").replaceAll("(?i)(password=)[^&]*", "$1***");
    }
}
