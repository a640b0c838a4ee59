package dev.autotls.internal.config;

import dev.autotls.ConfigurationException;
import dev.autotls.Setting;
import dev.autotls.internal.acme.ProxySetting;
import dev.autotls.internal.localca.LocalNames;
import dev.autotls.internal.store.postgres.PostgresLocation;
import dev.autotls.internal.tls.KeyType;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The resolved, validated configuration. Every check names the setting, the value and
 * what is allowed, so a wrong setting fails at start with one readable sentence.
 */
public record AutoTlsConfig(
        List<String> domains,
        Optional<String> email,
        URI caDirectory,
        Optional<Path> caTrust,
        StorageSetting storage,
        ChallengeMode challenge,
        Optional<java.time.Instant> persistUntil,
        Optional<URI> acmeDnsUrl,
        Optional<dev.autotls.internal.challenge.Rfc2136Settings> rfc2136,
        List<InetSocketAddress> dnsResolvers,
        int httpsPort,
        int httpPort,
        Optional<String> bindAddress,
        boolean agreeToTerms,
        KeyType keyType,
        Optional<String> eabKeyId,
        Optional<String> eabHmacKey,
        Optional<ProxySetting> proxy,
        int managementPort,
        String managementBind,
        CaList cas,
        OnDemandConfig onDemand,
        SettingNames names,
        int cacheCertificates) {

    static final URI LETSENCRYPT = CaSettings.LETSENCRYPT;
    static final URI LETSENCRYPT_STAGING = CaSettings.LETSENCRYPT_STAGING;

    public static AutoTlsConfig resolve(SettingSources sources) {
        CaList cas = CaSettings.resolve(sources);
        List<String> domains = domains(sources);
        checkLocalCa(domains, cas, sources);
        return new AutoTlsConfig(
                domains,
                email(sources),
                cas.primary().directory(),
                cas.primary().trust(),
                storage(sources),
                challenge(sources),
                persistUntil(sources),
                url(sources, Setting.ACMEDNS_URL),
                Rfc2136Config.resolve(sources),
                resolvers(sources),
                port(sources, Setting.HTTPS_PORT),
                httpPort(sources),
                text(sources, Setting.BIND),
                bool(sources, Setting.AGREE_TOS),
                keyType(sources),
                cas.primary().eabKeyId(),
                cas.primary().eabHmacKey(),
                proxy(sources),
                portOrOff(sources, Setting.MANAGEMENT_PORT),
                text(sources, Setting.MANAGEMENT_BIND).orElse("127.0.0.1"),
                cas,
                OnDemandConfig.resolve(sources),
                sources.names(),
                cacheCertificates(sources));
    }

    /** How many decoded certificates memory holds at most ({@code autotls.cache.certificates}). */
    private static int cacheCertificates(SettingSources sources) {
        SettingSources.Value value = sources.get(Setting.CACHE_CERTIFICATES).orElseThrow();
        try {
            int size = Integer.parseInt(value.text().trim());
            if (size >= 1) {
                return size;
            }
        } catch (NumberFormatException e) {
            // explained below
        }
        throw value.invalid("give how many decoded certificates memory may hold at once, a whole number of at least 1 "
                + "(the default 10000 takes some 40 to 70 MB of heap; a handshake for a certificate not held reads it from the store)");
    }

    /** The built-in local CA issues only for local names: asking it for another is refused now, in one sentence. */
    private static void checkLocalCa(List<String> domains, CaList cas, SettingSources sources) {
        SettingSources.Value ca = sources.get(Setting.CA).orElseThrow();
        String outside = LocalNames.firstPublic(domains);
        if (cas.localCa() == LocalCaUse.ALL && outside != null) {
            throw ca.invalid(outside + " is not a local name, and the built-in local CA issues only for "
                    + LocalNames.described() + "; remove " + outside + " from " + sources.names().of(Setting.DOMAINS)
                    + ", or unset " + sources.names().of(Setting.CA) + " so that public names go to the default ACME CA");
        }
    }

    /**
     * Whether some configured certificate goes to an ACME CA (and so needs its account and terms);
     * without configured names, whether names managed at run time would.
     */
    public boolean needsAcme() {
        if (domains.isEmpty()) {
            return cas.localCa() != LocalCaUse.ALL;
        }
        return DomainNames.certificates(domains).stream().anyMatch(names -> !cas.issuedLocally(names));
    }

    /** Whether some configured certificate comes from the built-in local CA. */
    public boolean usesLocalCa() {
        return DomainNames.certificates(domains).stream().anyMatch(cas::issuedLocally);
    }

    private static Optional<ProxySetting> proxy(SettingSources sources) {
        Optional<SettingSources.Value> value = sources.get(Setting.PROXY).filter(v -> !v.text().isEmpty());
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ProxySetting.parse(value.get().text()));
        } catch (IllegalArgumentException e) {
            throw value.get().invalid(e.getMessage());
        }
    }

    private static List<String> domains(SettingSources sources) {
        Optional<SettingSources.Value> given = sources.get(Setting.DOMAINS);
        if (given.isEmpty() || given.get().text().isBlank()) {
            return List.of(); // names may come from the store instead: StartupChecks.requireSomeNames decides once it is open
        }
        SettingSources.Value value = given.get();
        java.util.Set<String> names = new java.util.LinkedHashSet<>(); // thousands of names: no quadratic de-duplication
        for (String part : value.text().split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                names.add(DomainNames.canonical(part));
            } catch (IllegalArgumentException e) {
                throw value.invalid(e.getMessage());
            }
        }
        if (names.isEmpty()) {
            throw value.invalid("name at least one domain, e.g. example.com,*.example.com");
        }
        return List.copyOf(names);
    }

    private static Optional<String> email(SettingSources sources) {
        Optional<SettingSources.Value> value = sources.get(Setting.EMAIL).filter(v -> !v.text().isEmpty());
        if (value.isPresent()) {
            String text = value.get().text();
            int at = text.indexOf('@');
            if (at <= 0 || at != text.lastIndexOf('@') || at == text.length() - 1 || text.contains(" ")) {
                throw value.get().invalid("not an email address; give one like ops@example.com, or leave it unset");
            }
        }
        return value.map(SettingSources.Value::text);
    }

    /** Only the storage settings, for tools that need the store but no names ({@code trust}, {@code export-root}). */
    public static StorageSetting storageOf(SettingSources sources) {
        return storage(sources);
    }

    private static StorageSetting storage(SettingSources sources) {
        Optional<SettingSources.Value> value = sources.get(Setting.STORAGE).filter(v -> !v.text().isEmpty());
        Optional<String> key = text(sources, Setting.STORAGE_KEY);
        boolean createSchema = bool(sources, Setting.STORAGE_CREATE_SCHEMA);
        java.time.Duration sync = duration(sources, Setting.STORAGE_SYNC);
        if (value.isPresent() && PostgresLocation.isPostgres(value.get().text())) {
            PostgresLocation location;
            try {
                location = PostgresLocation.parse(value.get().text(), text(sources, Setting.STORAGE_PASSWORD).orElse(null));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(e.getMessage() + " (from " + value.get().origin() + ")");
            }
            return new StorageSetting(Optional.empty(), Optional.of(location), key, createSchema, sync, listenAt(sources));
        }
        if (value.isPresent() && value.get().text().matches("(?i)^[a-z][a-z0-9+.-]*://.*")) {
            String scheme = value.get().text().substring(0, value.get().text().indexOf(':'));
            throw new ConfigurationException(value.get().origin() + " starts with " + scheme + "://, which is no supported "
                    + "store; give a folder, or a postgresql://user@host:5432/database URL");
        }
        if (text(sources, Setting.STORAGE_LISTEN_URL).isPresent()) {
            throw new ConfigurationException(sources.names().of(Setting.STORAGE_LISTEN_URL) + " is set, but "
                    + sources.names().of(Setting.STORAGE) + " is a folder, which has no notifications to listen for; unset it, "
                    + "or use a PostgreSQL store");
        }
        if (key.isPresent()) {
            throw new ConfigurationException(sources.names().of(Setting.STORAGE_KEY) + " is set, but "
                    + sources.names().of(Setting.STORAGE)
                    + " is a folder, where secrets are protected by 0600 files instead; unset it, or use a PostgreSQL store");
        }
        Path folder;
        if (value.isPresent()) {
            folder = path(value.get());
        } else {
            String xdg = System.getenv("XDG_DATA_HOME");
            Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
            folder = base.resolve("autotls");
        }
        return new StorageSetting(Optional.of(folder), Optional.empty(), Optional.empty(), createSchema, sync);
    }

    /**
     * {@code autotls.storage.listen-url}, parsed as the store's URL is. A password written in it wins: it
     * reaches the database directly, perhaps as another user than the pooler's, so the store's password
     * setting is only what it falls back to.
     */
    private static Optional<PostgresLocation> listenAt(SettingSources sources) {
        Optional<SettingSources.Value> value = sources.get(Setting.STORAGE_LISTEN_URL).filter(v -> !v.text().isEmpty());
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String setting = sources.names().of(Setting.STORAGE_LISTEN_URL);
        try {
            PostgresLocation own = PostgresLocation.parse(value.get().text(), null, setting);
            return Optional.of(own.passwordValue().isPresent() ? own
                    : PostgresLocation.parse(value.get().text(), text(sources, Setting.STORAGE_PASSWORD).orElse(null), setting));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage() + " (from " + value.get().origin() + ")");
        }
    }

    private static java.time.Duration duration(SettingSources sources, Setting setting) {
        return CaSettings.duration(sources, setting);
    }

    private static ChallengeMode challenge(SettingSources sources) {
        SettingSources.Value value = sources.get(Setting.CHALLENGE).orElseThrow();
        return ChallengeMode.parse(value.text())
                .orElseThrow(() -> value.invalid("not a challenge strategy; allowed: " + ChallengeMode.allowed()));
    }

    private static Optional<java.time.Instant> persistUntil(SettingSources sources) {
        Optional<SettingSources.Value> value = sources.get(Setting.PERSIST_UNTIL).filter(v -> !v.text().isEmpty());
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String text = value.get().text();
        try {
            return Optional.of(text.length() == 10 ? java.time.LocalDate.parse(text).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
                    : java.time.Instant.parse(text));
        } catch (java.time.format.DateTimeParseException e) {
            throw value.get().invalid("give a date like 2027-12-31 or an instant like 2027-12-31T00:00:00Z");
        }
    }

    private static Optional<URI> url(SettingSources sources, Setting setting) {
        Optional<SettingSources.Value> value = sources.get(setting).filter(v -> !v.text().isEmpty());
        if (value.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(url(value.get()).orElseThrow(() -> value.get().invalid("give an http:// or https:// URL")));
    }

    private static Optional<URI> url(SettingSources.Value value) {
        try {
            URI uri = new URI(value.text());
            boolean web = "https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme());
            return web && uri.getHost() != null ? Optional.of(uri) : Optional.empty();
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static List<InetSocketAddress> resolvers(SettingSources sources) {
        Optional<SettingSources.Value> value = sources.get(Setting.DNS_RESOLVERS).filter(v -> !v.text().isEmpty());
        if (value.isEmpty()) {
            return List.of();
        }
        List<InetSocketAddress> result = new ArrayList<>();
        for (String part : value.get().text().split(",")) {
            try {
                result.add(HostPort.parse(part, 53));
            } catch (IllegalArgumentException e) {
                throw value.get().invalid(e.getMessage());
            }
        }
        return List.copyOf(result);
    }

    private static int port(SettingSources sources, Setting setting) {
        SettingSources.Value value = sources.get(setting).orElseThrow();
        try {
            int port = Integer.parseInt(value.text());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // explained below
        }
        throw value.invalid("a port is a whole number from 1 to 65535 (0 picks a free one)");
    }

    /** The HTTP port, or -1 for {@code off}: no HTTP connector (and so no http-01). */
    private static int httpPort(SettingSources sources) {
        return portOrOff(sources, Setting.HTTP_PORT);
    }

    private static int portOrOff(SettingSources sources, Setting setting) {
        SettingSources.Value value = sources.get(setting).orElseThrow();
        if (value.text().equalsIgnoreCase("off")) {
            return -1;
        }
        try {
            return port(sources, setting);
        } catch (ConfigurationException e) {
            throw value.invalid("a port is a whole number from 1 to 65535 (0 picks a free one), or off");
        }
    }

    private static boolean bool(SettingSources sources, Setting setting) {
        SettingSources.Value value = sources.get(setting).orElseThrow();
        switch (value.text().toLowerCase(Locale.ROOT)) {
            case "true":
            case "yes":
                return true;
            case "false":
            case "no":
                return false;
            default:
                throw value.invalid("use true or false");
        }
    }

    private static KeyType keyType(SettingSources sources) {
        SettingSources.Value value = sources.get(Setting.KEY_TYPE).orElseThrow();
        try {
            return KeyType.parse(value.text());
        } catch (IllegalArgumentException e) {
            throw value.invalid(e.getMessage());
        }
    }

    private static Optional<String> text(SettingSources sources, Setting setting) {
        return sources.get(setting).map(SettingSources.Value::text).filter(t -> !t.isEmpty());
    }

    private static Path path(SettingSources.Value value) {
        try {
            return Path.of(value.text()).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw value.invalid("not a valid path (" + e.getMessage() + ")");
        }
    }

    @Override
    public String toString() {
        return "AutoTlsConfig[domains=" + domains + ", ca=" + cas.cas().stream().map(c -> c.directory().toString()).toList()
                + cas.profile().map(p -> ", profile=" + p).orElse("") + ", storage=" + storage + ", challenge="
                + challenge.configName() + ", https=" + httpsPort + ", http=" + httpPort + ", keyType=" + keyType.configName()
                + ", eab=" + (eabKeyId.isPresent() ? "set" : "none") + ", storageKey=" + (storage.key().isPresent() ? "set" : "none") + ", proxy=" + proxy.map(ProxySetting::toString).orElse("none")
                + "]";
    }
}
