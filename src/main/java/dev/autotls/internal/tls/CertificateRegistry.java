package dev.autotls.internal.tls;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.autotls.internal.names.IpAddresses;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 *
 * <p>IP address certificates are served to handshakes without SNI (clients send none for an
 * address): {@link #forAddress} picks the one for the address the client connected to, else the
 * first one published. With no address certificate, such handshakes get {@link #fallback} as
 * before.
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
    /** The address certificates in the order first published; written under this registry's lock only. */
    private final Map<InetAddress, CertifiedKey> addressOrder = new LinkedHashMap<>();
    /** An immutable copy of {@link #addressOrder} for the handshake path. */
    private volatile Map<InetAddress, CertifiedKey> byAddress = Map.of();
    /** The first of {@link #addressOrder}, or null when no address certificate is served. */
    private volatile CertifiedKey firstAddressEntry;
    private final LocalAddresses localAddresses = new LocalAddresses();

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

    /**
     * For a handshake without SNI: the address certificate of {@code local} (the address the client
     * connected to, null when unknown), else the first address certificate; null when none is
     * served. Reads two volatile fields and an immutable map.
     */
    CertifiedKey forAddress(InetAddress local) {
        CertifiedKey first = firstAddressEntry;
        if (first == null || local == null) {
            return first;
        }
        CertifiedKey exact = byAddress.get(local);
        return exact != null ? exact : first;
    }

    /** Whether any IP address certificate is served. */
    boolean servesAddresses() {
        return firstAddressEntry != null;
    }

    /** Where the connectors autotls installs record each connection's local address, for {@link #forAddress}. */
    public LocalAddresses localAddresses() {
        return localAddresses;
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
        boolean addresses = false;
        for (String name : entry.names()) {
            if (IpAddresses.isAddress(name)) {
                addressOrder.put(IpAddresses.parse(name), entry); // a replacement keeps the place of the one it replaces
                addresses = true;
            }
        }
        if (addresses) {
            publishAddresses();
        }
    }

    /** Makes {@link #addressOrder} visible to handshakes; under this registry's lock. */
    private void publishAddresses() {
        byAddress = Map.copyOf(addressOrder);
        firstAddressEntry = addressOrder.isEmpty() ? null : addressOrder.values().iterator().next();
        localAddresses.wanted(!addressOrder.isEmpty());
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
        boolean addresses = false;
        for (String name : names) {
            if (IpAddresses.isAddress(name)) {
                addresses |= addressOrder.remove(IpAddresses.parse(name)) != null;
            }
        }
        if (addresses) {
            publishAddresses();
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
