package dev.autotls.tls;

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
 * entry or the new one, never a mix of key and chain. An entry replaced by a newer one
 * stays resolvable by its alias for one more generation, because JSSE asks for the alias
 * first and for the chain and key a moment later.
 */
public final class CertificateRegistry {
    private final Map<String, CertifiedKey> byName = new ConcurrentHashMap<>();
    private final Map<String, CertifiedKey> byAlias = new ConcurrentHashMap<>();
    /** For each name, the entry it replaced last; kept so in-flight handshakes still resolve. */
    private final Map<String, CertifiedKey> retired = new ConcurrentHashMap<>();
    private volatile CertifiedKey defaultEntry;

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

    /** Resolves an alias handed out earlier in the same handshake. */
    public CertifiedKey byAlias(String alias) {
        return alias == null ? null : byAlias.get(alias);
    }

    /** Makes {@code entry} the one served for each of its names, replacing what was there. */
    public synchronized void publish(CertifiedKey entry) {
        byAlias.put(entry.alias(), entry);
        for (String raw : entry.names()) {
            String name = normalize(raw);
            CertifiedKey previous = byName.put(name, entry);
            if (previous != null && previous != entry) {
                retire(name, previous);
            }
        }
        CertifiedKey currentDefault = defaultEntry;
        if (currentDefault == null || entry.names().contains(currentDefault.names().get(0))) {
            defaultEntry = entry;
        }
    }

    /** Publishes many entries, as at start-up with a large store. */
    public void publishAll(List<CertifiedKey> entries) {
        entries.forEach(this::publish);
    }

    /** The names currently served, for diagnostics. */
    public Map<String, CertifiedKey> snapshot() {
        return Map.copyOf(byName);
    }

    private void retire(String name, CertifiedKey previous) {
        CertifiedKey older = retired.put(name, previous);
        if (older != null && older != previous && !byName.containsValue(older) && !retired.containsValue(older)) {
            byAlias.remove(older.alias());
        }
    }

    static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
