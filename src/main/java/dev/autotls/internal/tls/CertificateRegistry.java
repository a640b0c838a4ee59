package dev.autotls.internal.tls;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live map from server name to the certified key served for it.
 *
 * <p>Contract: {@link #lookup} never blocks and never does I/O: it reads lock-free
 * {@link ConcurrentHashMap}s that maintenance replaces entry by entry. {@link #publish}
 * swaps the whole entry for each of its names at once; a handshake sees either the old
 * entry or the new one, never a mix of key and chain. JSSE asks for an alias first and for
 * the chain and key a moment later, so an entry that no name serves any more stays
 * resolvable by its alias for {@link #RETIRED_GRACE} after it was replaced, however often
 * entries are swapped meanwhile.
 */
public final class CertificateRegistry {
    /** How long a replaced entry still answers for its alias: far longer than any handshake's steps apart. */
    public static final Duration RETIRED_GRACE = Duration.ofSeconds(60);

    private final Map<String, CertifiedKey> byName = new ConcurrentHashMap<>();
    /** Entries that serve at least one name. */
    private final Map<String, CertifiedKey> byAlias = new ConcurrentHashMap<>();
    /** Entries no name serves any more, kept so handshakes that already chose them complete. */
    private final Cache<String, CertifiedKey> retired = Caffeine.newBuilder().expireAfterWrite(RETIRED_GRACE).build();
    private volatile CertifiedKey defaultEntry;
    private final ValidationCertificates validations = new ValidationCertificates();

    /**
     * The entry for a server name: an exact match first, then a wildcard one label up
     * ({@code *.example.com} for {@code www.example.com}), else empty.
     */
    public Optional<CertifiedKey> lookup(String serverName) {
        return Optional.ofNullable(find(serverName));
    }

    /** {@link #lookup} without the {@code Optional}, for the handshake path; null when nothing matches. */
    CertifiedKey find(String serverName) {
        if (serverName == null || serverName.isEmpty()) {
            return null;
        }
        String name = normalize(serverName);
        CertifiedKey exact = byName.get(name);
        if (exact != null) {
            return exact;
        }
        int dot = name.indexOf('.');
        if (dot > 0 && dot < name.length() - 1) {
            // the one allocation of the path, and only for names without an exact entry
            return byName.get("*" + name.substring(dot));
        }
        return null;
    }

    /** The entry to serve when a client sends no SNI or a name we do not hold: the first published. */
    public Optional<CertifiedKey> fallback() {
        return Optional.ofNullable(defaultEntry);
    }

    CertifiedKey fallbackEntry() {
        return defaultEntry;
    }

    /** Resolves an alias handed out earlier in the same handshake (a validation certificate's too). */
    public CertifiedKey byAlias(String alias) {
        if (alias == null) {
            return null;
        }
        CertifiedKey live = byAlias.get(alias);
        if (live != null) {
            return live;
        }
        CertifiedKey validation = validations.byAlias(alias);
        return validation != null ? validation : retired.getIfPresent(alias);
    }

    /**
     * The tls-alpn-01 validation certificates, served beside this registry but only to
     * {@code acme-tls/1} handshakes; never found by {@link #lookup}.
     */
    public ValidationCertificates validations() {
        return validations;
    }

    /** Makes {@code entry} the one served for each of its names, replacing what was there. */
    public synchronized void publish(CertifiedKey entry) {
        byAlias.put(entry.alias(), entry);
        List<CertifiedKey> replaced = new ArrayList<>(1);
        for (String raw : entry.names()) {
            CertifiedKey previous = byName.put(normalize(raw), entry);
            if (previous != null && previous != entry && !replaced.contains(previous)) {
                replaced.add(previous);
            }
        }
        for (CertifiedKey previous : replaced) {
            if (!servesAnyName(previous)) {
                retired.put(previous.alias(), previous); // first, so the alias resolves at every instant
                byAlias.remove(previous.alias());
            }
        }
        CertifiedKey currentDefault = defaultEntry;
        if (currentDefault == null || entry.names().contains(currentDefault.names().get(0))) {
            defaultEntry = entry;
        }
    }

    /**
     * Stops serving {@code names} (a certificate no longer managed): new handshakes for them get
     * no certificate of theirs; an entry left serving no name stays resolvable by alias for
     * {@link #RETIRED_GRACE}, as a replaced one does.
     */
    public synchronized void withdraw(List<String> names) {
        List<CertifiedKey> removed = new ArrayList<>(1);
        for (String raw : names) {
            CertifiedKey previous = byName.remove(normalize(raw));
            if (previous != null && !removed.contains(previous)) {
                removed.add(previous);
            }
        }
        for (CertifiedKey previous : removed) {
            if (!servesAnyName(previous)) {
                retired.put(previous.alias(), previous);
                byAlias.remove(previous.alias());
            }
        }
        CertifiedKey currentDefault = defaultEntry;
        if (currentDefault != null && removed.contains(currentDefault) && !servesAnyName(currentDefault)) {
            defaultEntry = byName.values().stream().findFirst().orElse(null);
        }
    }

    /** The names currently served, for diagnostics. */
    public Map<String, CertifiedKey> snapshot() {
        return Map.copyOf(byName);
    }

    private boolean servesAnyName(CertifiedKey entry) {
        for (String name : entry.names()) {
            if (byName.get(normalize(name)) == entry) {
                return true;
            }
        }
        return false;
    }

    static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
