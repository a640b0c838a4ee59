package dev.autotls.internal.config;

import dev.autotls.ConfigurationException;
import dev.autotls.Setting;
import dev.autotls.internal.challenge.Rfc2136Settings;
import dev.autotls.internal.challenge.TsigKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code autotls.rfc2136.*} settings, checked together at start: either none of them, or
 * the server, the zone and exactly one of the key and the key file, each well-formed. Errors
 * name the setting and the fix, and never show the secret.
 */
final class Rfc2136Config {
    private Rfc2136Config() {
    }

    static Optional<Rfc2136Settings> resolve(SettingSources sources) {
        Optional<SettingSources.Value> server = given(sources, Setting.RFC2136_SERVER);
        Optional<SettingSources.Value> zone = given(sources, Setting.RFC2136_ZONE);
        Optional<SettingSources.Value> tsig = given(sources, Setting.RFC2136_TSIG);
        Optional<SettingSources.Value> tsigFile = given(sources, Setting.RFC2136_TSIG_FILE);
        boolean wanted = sources.get(Setting.CHALLENGE).map(v -> ChallengeMode.parse(v.text())
                .filter(ChallengeMode.RFC2136::equals).isPresent()).orElse(false);
        if (server.isEmpty() && zone.isEmpty() && tsig.isEmpty() && tsigFile.isEmpty() && !wanted) {
            return Optional.empty();
        }
        if (tsig.isPresent() && tsigFile.isPresent()) {
            throw new ConfigurationException(Setting.RFC2136_TSIG.key() + " and " + Setting.RFC2136_TSIG_FILE.key()
                    + " are both set: give the key one way, and unset the other");
        }
        if (server.isEmpty() || zone.isEmpty() || (tsig.isEmpty() && tsigFile.isEmpty())) {
            throw new ConfigurationException("the RFC 2136 alias strategy needs " + Setting.RFC2136_SERVER.key() + " (host:port of "
                    + "the alias zone's primary), " + Setting.RFC2136_ZONE.key() + " (the alias zone) and "
                    + Setting.RFC2136_TSIG.key() + " or " + Setting.RFC2136_TSIG_FILE.key() + " (the TSIG key); "
                    + "missing: " + missing(server, zone, tsig.or(() -> tsigFile)));
        }
        return Optional.of(new Rfc2136Settings(server(server.get()), zone(zone.get()),
                tsig.isPresent() ? key(tsig.get()) : keyFile(tsigFile.get())));
    }

    private static String missing(Optional<?> server, Optional<?> zone, Optional<?> key) {
        java.util.List<String> missing = new java.util.ArrayList<>();
        if (server.isEmpty()) {
            missing.add(Setting.RFC2136_SERVER.key());
        }
        if (zone.isEmpty()) {
            missing.add(Setting.RFC2136_ZONE.key());
        }
        if (key.isEmpty()) {
            missing.add(Setting.RFC2136_TSIG.key() + " (or " + Setting.RFC2136_TSIG_FILE.key() + ")");
        }
        return String.join(", ", missing);
    }

    private static java.net.InetSocketAddress server(SettingSources.Value value) {
        try {
            return HostPort.parse(value.text(), 53);
        } catch (IllegalArgumentException e) {
            throw value.invalid(e.getMessage() + "; give the primary's host:port, e.g. ns1.example.org:53");
        }
    }

    private static String zone(SettingSources.Value value) {
        String zone;
        try {
            zone = DomainNames.canonicalDomainName(value.text());
        } catch (IllegalArgumentException e) {
            throw value.invalid(e.getMessage() + "; give the alias zone's name, e.g. acme-alias.example.org");
        }
        if (zone.startsWith("*.")) {
            throw value.invalid("a zone is no wildcard; give the alias zone's name, e.g. acme-alias.example.org");
        }
        return zone;
    }

    private static TsigKey key(SettingSources.Value value) {
        try {
            return TsigKey.parse(value.text());
        } catch (IllegalArgumentException e) {
            throw value.invalid(e.getMessage());
        }
    }

    private static TsigKey keyFile(SettingSources.Value value) {
        String text;
        try {
            text = Files.readString(Path.of(value.text()), StandardCharsets.UTF_8);
        } catch (IOException | java.nio.file.InvalidPathException | java.io.UncheckedIOException e) {
            throw value.invalid("the key file cannot be read (" + e.getClass().getSimpleName() + "); give the path of the "
                    + "file tsig-keygen wrote, readable by this process");
        }
        TsigKey key;
        try {
            key = TsigKey.parseKeyFile(text);
        } catch (IllegalArgumentException e) {
            throw value.invalid(e.getMessage());
        }
        warnIfOthersCanRead(Path.of(value.text()));
        return key;
    }

    /** The key is the one credential on this host: say so once at start when other users can read it. */
    private static void warnIfOthersCanRead(Path file) {
        try {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ)
                    || permissions.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
                org.slf4j.LoggerFactory.getLogger(Rfc2136Config.class).warn("The TSIG key file {} is readable by other users "
                        + "({}); make it readable by this service's user only: chmod 600 {}", file,
                        java.nio.file.attribute.PosixFilePermissions.toString(permissions), file);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // no POSIX permissions to judge (another file system): nothing to say
        }
    }

    private static Optional<SettingSources.Value> given(SettingSources sources, Setting setting) {
        return sources.get(setting).filter(v -> !v.text().isEmpty());
    }
}
