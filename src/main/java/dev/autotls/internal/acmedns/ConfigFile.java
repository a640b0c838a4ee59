package dev.autotls.internal.acmedns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.autotls.acmedns.Database;
import dev.autotls.acmedns.ResponderConfig.ResponseRateLimit;
import dev.autotls.acmedns.ResponderConfig.TcpLimits;
import dev.autotls.acmedns.ResponderConfig;
import dev.autotls.internal.config.OptionalFeature;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads acme-dns's {@code config.cfg} (TOML) as it is. Unknown sections and keys are warned
 * about, not fatal, so a newer or older acme-dns file still starts. Errors name the section,
 * the key, the value and what is allowed. Extra settings of this responder live in an
 * {@code [autotls]} section, which acme-dns itself ignores.
 */
public final class ConfigFile {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigFile.class);
    /** The keys of the {@code [autotls]} section, in the order {@code acme-dns --help} lists them. */
    public static final List<String> AUTOTLS_KEYS = List.of("txt_values", "registration_burst", "registrations_per_minute",
            "failed_auth_per_minute", "max_body_bytes", "tcp_max_connections", "tcp_max_per_address",
            "tcp_idle_timeout_seconds", "rrl_responses_per_second", "rrl_window_seconds", "rrl_slip",
            "rrl_ipv4_prefix_length", "rrl_ipv6_prefix_length");
    private static final Map<String, Set<String>> KNOWN = Map.of(
            "general", Set.of("listen", "protocol", "domain", "nsname", "nsadmin", "records", "debug"),
            "database", Set.of("engine", "connection"),
            "api", Set.of("ip", "port", "tls", "tls_cert_privkey", "tls_cert_fullchain", "acme_cache_dir",
                    "notification_email", "disable_registration", "corsorigins", "use_header", "header_name",
                    "autocert_port"),
            "logconfig", Set.of("loglevel", "logtype", "logfile", "logformat"),
            "autotls", Set.copyOf(AUTOTLS_KEYS));
    private static final Set<String> TLS_MODES = Set.of("none", "cert", "letsencrypt", "letsencryptstaging");

    private ConfigFile() {
    }

    /**
     * Reads {@code file}; relative paths in it are taken relative to the working folder, as
     * acme-dns does. A missing, unreadable or malformed file each has its own sentence, none
     * of which quotes the file (it may hold a database password).
     */
    public static ResponderConfig read(Path file) throws IOException {
        java.util.Optional<String> missing = OptionalFeature.RESPONDER_CONFIG_FILE.missing("--config " + file);
        if (missing.isPresent()) {
            throw new IOException(missing.get());
        }
        byte[] text;
        try {
            text = Files.readAllBytes(file);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        JsonNode root;
        try {
            root = Toml.read(text);
        } catch (IOException e) {
            throw malformed(file, e);
        }
        warnUnknown(file, root);
        JsonNode general = root.path("general");
        JsonNode database = root.path("database");
        JsonNode api = root.path("api");
        JsonNode extra = root.path("autotls");

        String domain = required(file, general, "general", "domain");
        String protocol = text(general, "protocol", "both").toLowerCase(Locale.ROOT);
        String transport = protocol.replaceAll("[46]$", "");
        if (!Set.of("udp", "tcp", "both").contains(transport)) {
            throw new IOException(file + ": [general] protocol = '" + protocol
                    + "': use udp, tcp or both (optionally with 4 or 6 appended)");
        }
        Database store = database(file, text(database, "engine", "sqlite3").toLowerCase(Locale.ROOT),
                required(file, database, "database", "connection"));
        String tls = text(api, "tls", "none").toLowerCase(Locale.ROOT);
        if (!TLS_MODES.contains(tls)) {
            throw new IOException(file + ": [api] tls = '" + tls + "': use none, cert, letsencrypt or letsencryptstaging");
        }
        List<String> records = new ArrayList<>();
        general.path("records").forEach(node -> records.add(node.asText()));
        List<String> cors = new ArrayList<>();
        api.path("corsorigins").forEach(node -> cors.add(node.asText()));
        boolean useHeader = api.path("use_header").asBoolean(false);

        ResponderConfig config;
        try {
            config = new ResponderConfig(domain,
                text(general, "nsname", domain), text(general, "nsadmin", "hostmaster." + domain), records,
                address(file, "general", "listen", text(general, "listen", "127.0.0.1:53"), 53),
                !transport.equals("tcp"), !transport.equals("udp"),
                new TcpLimits(extra.path("tcp_max_connections").asInt(TcpLimits.DEFAULTS.maxConnections()),
                        extra.path("tcp_max_per_address").asInt(TcpLimits.DEFAULTS.maxPerAddress()),
                        Duration.ofSeconds(extra.path("tcp_idle_timeout_seconds")
                                .asLong(TcpLimits.DEFAULTS.idleTimeout().toSeconds()))),
                rateLimit(extra),
                store,
                address(file, "api", "ip/port", text(api, "ip", "0.0.0.0") + ":" + text(api, "port", "443"), 443),
                tls, optionalPath(api, "tls_cert_privkey"), optionalPath(api, "tls_cert_fullchain"),
                optionalPath(api, "acme_cache_dir"), text(api, "notification_email", ""),
                !api.path("disable_registration").asBoolean(false), cors, useHeader,
                text(api, "header_name", "X-Forwarded-For"),
                extra.path("txt_values").asInt(2),
                extra.path("registration_burst").asInt(ResponderConfig.DEFAULT_REGISTRATION_BURST),
                extra.path("registrations_per_minute").asInt(ResponderConfig.DEFAULT_REGISTRATIONS_PER_MINUTE),
                extra.path("failed_auth_per_minute").asInt(30), extra.path("max_body_bytes").asInt(64 * 1024));
        } catch (IllegalArgumentException e) { // a value ResponderConfig refuses (txt_values): a wrong file, not a bug
            throw new IOException(file + ": [autotls] " + e.getMessage(), e);
        }
        if (tls.equals("cert") && (config.tlsKey() == null || config.tlsChain() == null)) {
            throw new IOException(file + ": [api] tls = 'cert' needs tls_cert_privkey and tls_cert_fullchain");
        }
        return config;
    }

    private static ResponseRateLimit rateLimit(JsonNode extra) {
        ResponseRateLimit defaults = ResponseRateLimit.DEFAULTS;
        return new ResponseRateLimit(extra.path("rrl_responses_per_second").asInt(defaults.responsesPerSecond()),
                extra.path("rrl_window_seconds").asInt(defaults.windowSeconds()),
                extra.path("rrl_slip").asInt(defaults.slip()),
                extra.path("rrl_ipv4_prefix_length").asInt(defaults.ipv4PrefixLength()),
                extra.path("rrl_ipv6_prefix_length").asInt(defaults.ipv6PrefixLength()));
    }

    /** Why {@code file} could not be read, in words; the exception's own text is not kept (it can name no more than this). */
    static IOException unreadable(Path file, IOException failure) {
        if (failure instanceof NoSuchFileException || !Files.exists(file)) {
            return new IOException(file + " does not exist; write acme-dns's config.cfg there or name another file with --config.");
        }
        if (Files.isDirectory(file)) {
            return new IOException(file + " is a folder; name acme-dns's config.cfg itself with --config.");
        }
        if (failure instanceof AccessDeniedException) {
            return new IOException(file + " cannot be read by this user (permission denied); let the user that runs the"
                    + " responder read it.");
        }
        return new IOException(file + " cannot be read (" + failure.getClass().getSimpleName() + "); check the file and"
                + " the disk it is on.");
    }

    /**
     * A file that is not TOML: where, never what (the parser's message quotes the text, which
     * may be a password), and no cause that a stack trace would print.
     */
    static IOException malformed(Path file, IOException failure) {
        String where = "";
        if (failure instanceof JsonProcessingException parse && parse.getLocation() != null
                && parse.getLocation().getLineNr() > 0) {
            where = " at line " + parse.getLocation().getLineNr() + ", column " + parse.getLocation().getColumnNr();
        }
        return new IOException(file + " is not valid TOML" + where + "; fix it there (acme-dns's config.cfg is TOML:"
                + " [section] headers, key = \"value\" lines).");
    }

    /** acme-dns's engines: v1 says sqlite3, v2 sqlite; postgres takes lib/pq's connection string. */
    private static Database database(Path file, String engine, String connection) throws IOException {
        switch (engine) {
            case "sqlite3":
            case "sqlite":
                try {
                    return Database.sqlite(Path.of(connection));
                } catch (InvalidPathException e) { // a NUL character, written "\u0000" in TOML
                    throw new IOException(file + ": [database] connection = '" + connection + "' is not a file name: "
                            + e.getReason(), e);
                }
            case "postgres":
                try {
                    return Database.postgres(connection);
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": [database] connection = " + e.getMessage()
                            + " (lib/pq's form, as acme-dns reads it: postgres://user:password@host:5432/db?sslmode=require)", e);
                }
            default:
                throw new IOException(file + ": [database] engine = '" + engine
                        + "': use sqlite3 (or sqlite) with a file, or postgres with a postgres:// connection, as acme-dns does");
        }
    }

    private static void warnUnknown(Path file, JsonNode root) {
        for (Map.Entry<String, JsonNode> section : root.properties()) {
            Set<String> keys = KNOWN.get(section.getKey());
            if (keys == null) {
                LOG.warn("{}: ignoring the unknown section [{}].", file, section.getKey());
                continue;
            }
            for (Iterator<String> names = section.getValue().fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!keys.contains(name)) {
                    LOG.warn("{}: ignoring the unknown key {} in [{}].", file, name, section.getKey());
                }
            }
        }
    }

    private static String required(Path file, JsonNode section, String sectionName, String key) throws IOException {
        String value = text(section, key, "");
        if (value.isBlank()) {
            throw new IOException(file + ": [" + sectionName + "] " + key + " is missing; acme-dns's config.cfg needs it");
        }
        return value;
    }

    private static String text(JsonNode section, String key, String fallback) {
        JsonNode node = section.path(key);
        return node.isMissingNode() || node.isNull() ? fallback : node.asText();
    }

    private static Path optionalPath(JsonNode section, String key) {
        String value = text(section, key, "");
        return value.isBlank() ? null : Path.of(value);
    }

    /** {@code host:port}, {@code :port} (all addresses) or {@code [v6]:port}. */
    static InetSocketAddress address(Path file, String section, String key, String value, int defaultPort) throws IOException {
        String text = value.trim();
        int colon = text.lastIndexOf(':');
        String host = colon >= 0 ? text.substring(0, colon) : text;
        String port = colon >= 0 ? text.substring(colon + 1) : Integer.toString(defaultPort);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int number = Integer.parseInt(port);
            if (number < 0 || number > 65535) {
                throw new NumberFormatException();
            }
            return host.isEmpty() ? new InetSocketAddress(number) : new InetSocketAddress(host, number);
        } catch (NumberFormatException e) {
            throw new IOException(file + ": [" + section + "] " + key + " = '" + value + "': give host:port, e.g. 127.0.0.1:53");
        }
    }

    /** The only use of the optional TOML jar, in a class of its own so ConfigFile loads without it. */
    private static final class Toml {
        static JsonNode read(byte[] text) throws IOException {
            return new TomlMapper().readTree(text);
        }
    }
}
