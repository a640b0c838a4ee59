package dev.autotls.internal.tls;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The live map from server name to the certified key served for it.
 *
 * <p>Two kinds of entries. Those {@link #publish}ed stay in memory until replaced or withdrawn (a
 * tool's, a test's). The certificates of managed names are served from a {@link CertificateSource}
 * ({@link #loadFrom}, {@link #manage}): a compact index of their names, and a bounded cache of
 * decoded entries ({@link #DEFAULT_CACHE_SIZE} unless given) filled when a handshake asks for a
 * name memory does not hold. Look-ups go by the exact name first, then the wildcard one label up.
 *
 * <p>Contract: a handshake reads memory only ({@link #find}: lock-free maps that maintenance
 * replaces entry by entry), with one exception: a managed name whose certificate is not in memory
 * is loaded once ({@link #awaitLoad}; concurrent handshakes for it share the load), on loader
 * threads of the registry's own, and the handshake waits for it at most {@link #LOAD_WAIT}; then
 * it gets no certificate (an alert) rather than hang, and the load, when it completes, fills the
 * cache for the next one. {@link #lookup} answers what a handshake would get, waiting for such a
 * load just as long.
 * {@link #publish} and {@link #serve} swap the whole entry for each of its names at once; a
 * handshake sees either the old entry or the new one, never a mix of key and chain. JSSE asks for
 * an alias first and for the chain and key a moment later, so an entry that no name serves any more
 * stays resolvable by its alias for {@link #RETIRED_GRACE} after it was replaced or withdrawn,
 * however often entries are swapped meanwhile (one the cache evicted for its size, for
 * {@link LoadedCertificates#EVICTED_GRACE}).
 *
 * <p>IP address certificates are served to handshakes without SNI (clients send none for an
 * address): {@link #forAddress} picks the one for the address the client connected to, else the
 * first one published. With no address certificate, such handshakes get {@link #fallback} as
 * before; IP address certificates and the fallback stay in memory even when the cache drops them.
 */
public final class CertificateRegistry {
    /** How long a replaced entry still answers for its alias: far longer than any handshake's steps apart. */
    public static final Duration RETIRED_GRACE = Duration.ofSeconds(60);
    /** How long a handshake waits for its certificate to be loaded into memory before it fails. */
    public static final Duration LOAD_WAIT = Duration.ofMillis(250);
    /** Decoded certificates kept in memory at most unless told otherwise ({@code autotls.cache.certificates}). */
    public static final int DEFAULT_CACHE_SIZE = 10_000;

    private final Map<String, CertifiedKey> byName = new ConcurrentHashMap<>();
    /** Entries that serve at least one name. */
    private final Map<String, CertifiedKey> byAlias = new ConcurrentHashMap<>();
    /** Entries no name serves any more, kept so handshakes that already chose them complete. */
    private final Cache<String, CertifiedKey> retired = Caffeine.newBuilder().expireAfterWrite(RETIRED_GRACE).build();
    private volatile CertifiedKey defaultEntry;
    private final ValidationCertificates validations = new ValidationCertificates();
    private final LocalAddresses localAddresses = new LocalAddresses();
    private final AddressCertificates addresses = new AddressCertificates(localAddresses);
    /** The certificates of managed names, in memory while handshakes use them. */
    private final LoadedCertificates loaded;

    /** A registry whose cache holds {@link #DEFAULT_CACHE_SIZE} decoded certificates at most. */
    public CertificateRegistry() {
        this(DEFAULT_CACHE_SIZE);
    }

    /** @param cacheSize how many decoded certificates of managed names memory holds at most (at least 1) */
    public CertificateRegistry(int cacheSize) {
        this.loaded = new LoadedCertificates(cacheSize, this::installed, this::retire);
    }

    /** For tests: loads and the cache's tidying run on the given executors. */
    CertificateRegistry(int cacheSize, java.util.concurrent.Executor loads, java.util.concurrent.Executor maintenance) {
        this.loaded = new LoadedCertificates(cacheSize, this::installed, this::retire, loads, maintenance);
    }

    /** Reads the certificates of {@link #manage managed} names from {@code source} when memory does not hold them. */
    public void loadFrom(CertificateSource source) {
        loaded.loadFrom(source);
    }

    /**
     * Serves {@code names} from the certificate whose first name is {@code firstName}, read from the
     * {@link #loadFrom source} when a handshake asks and memory does not hold it. Nothing is read now.
     */
    public void manage(String firstName, List<String> names) {
        List<String> normalized = new ArrayList<>(names.size());
        for (String name : names) {
            normalized.add(normalize(name));
        }
        loaded.manage(firstName, normalized);
    }

    /**
     * The entry a handshake for a server name gets now: an exact match first, then a wildcard one label
     * up ({@code *.example.com} for {@code www.example.com}), else empty. For a managed name whose
     * certificate memory does not hold it waits for the load as a handshake would, at most
     * {@link #LOAD_WAIT} (empty after that; the load goes on and fills the cache).
     */
    public Optional<CertifiedKey> lookup(String serverName) {
        return lookup(serverName, LOAD_WAIT);
    }

    /**
     * {@link #lookup}, waiting up to {@code wait} for a load: at start, before handshakes come, for the
     * few certificates kept in memory, so that their reading (and the code that decodes, or makes a
     * temporary certificate, running for the first time) is done before the first handshake.
     */
    public Optional<CertifiedKey> lookup(String serverName, Duration wait) {
        if (serverName == null || serverName.isEmpty()) {
            return Optional.empty();
        }
        Object found = locate(normalize(serverName));
        if (found instanceof String firstName) {
            return Optional.ofNullable(awaitLoad(firstName, wait.toNanos()));
        }
        return Optional.ofNullable((CertifiedKey) found);
    }

    /** The entry memory holds for a server name, exact then wildcard; null when it holds none (handshake path). */
    CertifiedKey find(String serverName) {
        if (serverName == null || serverName.isEmpty()) {
            return null;
        }
        return locate(normalize(serverName)) instanceof CertifiedKey entry ? entry : null;
    }

    /**
     * The first name of the managed certificate a handshake for {@code serverName} must wait for,
     * when {@link #find} found nothing because memory does not hold it; null when no managed
     * certificate serves the name.
     */
    String toLoad(String serverName) {
        if (serverName == null || serverName.isEmpty()) {
            return null;
        }
        return locate(normalize(serverName)) instanceof String firstName ? firstName : null;
    }

    /**
     * What serves {@code name} (normalized): an entry, the first name of a managed certificate whose
     * entry memory does not hold (an exact name waiting for its load is never answered by a
     * wildcard), or null.
     */
    private Object locate(String name) {
        Object exact = locateExactly(name);
        if (exact != null) {
            return exact;
        }
        int dot = name.indexOf('.');
        if (dot > 0 && dot < name.length() - 1) {
            // the one allocation of the path, and only for names without an exact entry
            return locateExactly("*" + name.substring(dot));
        }
        return null;
    }

    private Object locateExactly(String name) {
        CertifiedKey published = byName.get(name);
        if (published != null) {
            return published;
        }
        String firstName = loaded.certificateOf(name);
        if (firstName == null) {
            return null;
        }
        CertifiedKey cached = loaded.cached(firstName);
        return cached != null ? cached : firstName;
    }

    /**
     * The entry of the managed certificate {@code firstName}: from memory, else from the load that
     * brings it there (started now, or joined), waiting at most {@code nanos}; null when the load
     * failed or did not finish in time (it goes on and fills the cache for the next caller).
     */
    CertifiedKey awaitLoad(String firstName, long nanos) {
        try {
            return loaded.load(firstName).get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            loaded.timedOut();
            return null;
        } catch (ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Makes {@code entry} the one served for the managed certificate {@code firstName} now (one just
     * obtained, or one only memory holds), replacing what memory held for it.
     */
    public void serve(String firstName, CertifiedKey entry) {
        loaded.put(firstName, entry);
    }

    /**
     * {@link #serve} if memory holds an entry of the certificate {@code firstName} (a certificate another
     * instance stored): otherwise nothing is decoded into memory for it, and the next handshake reads
     * what is current. The fallback and an address certificate follow either way. Whether memory held one.
     */
    public boolean refresh(String firstName, CertifiedKey entry) {
        return loaded.replaceIfPresent(firstName, entry);
    }

    /** The entry memory holds for the managed certificate {@code firstName}, without loading it (empty when it holds none). */
    public Optional<CertifiedKey> inMemory(String firstName) {
        return Optional.ofNullable(loaded.cached(firstName));
    }

    /** Drops the entry of the managed certificate {@code firstName} from memory; the next handshake reads it again. */
    public void forget(String firstName) {
        loaded.invalidate(firstName);
    }

    /** What the cache of decoded certificates counted (metrics). */
    public CertificateCacheStats cacheStats() {
        return loaded.stats();
    }

    /** Tells {@code listener} the first name of each certificate the cache evicts for its size (tests, diagnostics). */
    public void evictions(Consumer<String> listener) {
        loaded.evictions(listener);
    }

    /** Runs the cache's pending evictions now (tests that count them). */
    public void tidyCache() {
        loaded.cleanUp();
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
        return addresses.forAddress(local);
    }

    /** Whether any IP address certificate is served. */
    boolean servesAddresses() {
        return addresses.any();
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
        CertifiedKey cached = loaded.byAlias(alias);
        if (cached != null) {
            return cached;
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
        installed(entry, true);
    }

    /**
     * Keeps the fallback and the address certificates, which stay in memory whatever the cache does,
     * in step with {@code entry}: it becomes the fallback when there is none or it replaces it, and
     * the address certificate of its addresses. A loaded entry ({@code replacing} false) fills only
     * empty places, so a load that finished after a replacement never undoes it.
     */
    private synchronized void installed(CertifiedKey entry, boolean replacing) {
        CertifiedKey currentDefault = defaultEntry;
        if (currentDefault == null || (replacing && entry.names().contains(currentDefault.names().get(0)))) {
            defaultEntry = entry;
            if (currentDefault != null && currentDefault != entry && !servesAnyName(currentDefault)) {
                retire(currentDefault);
            }
        }
        addresses.serve(entry, replacing);
    }

    /** {@code entry} no longer serves a name: it answers for its alias a while longer, for handshakes that chose it. */
    private void retire(CertifiedKey entry) {
        retired.put(entry.alias(), entry);
    }

    /**
     * Stops serving {@code names} (a certificate no longer managed): new handshakes for them get
     * no certificate of theirs; an entry left serving no name stays resolvable by alias for
     * {@link #RETIRED_GRACE}, as a replaced one does.
     */
    public synchronized void withdraw(List<String> names) {
        List<CertifiedKey> removed = new ArrayList<>(1);
        List<String> normalized = new ArrayList<>(names.size());
        for (String raw : names) {
            String name = normalize(raw);
            normalized.add(name);
            CertifiedKey previous = byName.remove(name);
            if (previous != null && !removed.contains(previous)) {
                removed.add(previous);
            }
        }
        Set<String> unmanaged = loaded.unmanage(normalized);
        CertifiedKey fallback = defaultEntry;
        if (fallback != null && unmanaged.contains(fallback.names().get(0)) && !removed.contains(fallback)) {
            removed.add(fallback); // a managed certificate's fallback is held here only
        }
        for (CertifiedKey previous : removed) {
            if (!servesAnyName(previous)) {
                retired.put(previous.alias(), previous);
                byAlias.remove(previous.alias());
            }
        }
        CertifiedKey currentDefault = defaultEntry;
        if (currentDefault != null && removed.contains(currentDefault) && !servesAnyName(currentDefault)) {
            defaultEntry = byName.values().stream().findFirst()
                    .orElseGet(() -> loaded.inMemory().stream().findFirst().orElse(null));
            retire(currentDefault);
        }
        addresses.withdraw(names);
    }

    /** The names served from memory now (published, and those of the decoded certificates in the cache), for diagnostics. */
    public Map<String, CertifiedKey> snapshot() {
        Map<String, CertifiedKey> all = new java.util.HashMap<>();
        for (CertifiedKey entry : loaded.inMemory()) {
            for (String name : entry.names()) {
                all.put(normalize(name), entry);
            }
        }
        all.putAll(byName);
        return Map.copyOf(all);
    }

    /** Whether {@code entry} still serves one of its names, published or from the cache. */
    private boolean servesAnyName(CertifiedKey entry) {
        for (String name : entry.names()) {
            String normalized = normalize(name);
            if (byName.get(normalized) == entry) {
                return true;
            }
            if (loaded.certificateOf(normalized) != null && loaded.holds(entry)) {
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
