package dev.autotls.internal.engine;

import dev.autotls.internal.store.CertificateFiles;
import dev.autotls.internal.store.CorruptDataException;
import dev.autotls.internal.store.StoredCertificate;
import dev.autotls.internal.tls.CertificateRegistry;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.Scheduler;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what other instances stored. Each look asks the store's change feed what changed
 * since the last one and reads only the certificates (and the followed set) whose keys are in
 * it, so a look with nothing changed sends no list of keys and gets no rows, however many names
 * there are; the first look, a gap in the feed, a store without one, and one look an hour
 * compare the versions of every certificate in one query instead ({@link ChangeFeedReader}).
 * Looks come every sync interval and, when the store notifies (PostgreSQL), at once, on the
 * engine's scheduler, bursts folded into one ({@link NotifiedLooks}). A certificate read this
 * way replaces the served one only if it is newer, so a slow instance can never roll a site
 * back. While the store is unreachable nothing changes here: what is in memory stays served,
 * and the next look catches up.
 */
final class StoreSync {
    private static final Logger LOG = LoggerFactory.getLogger(StoreSync.class);

    /** The certificates under maintenance now: the manager's set, which may grow and shrink while running. */
    private final Supplier<List<ManagedCertificate>> managed;
    private final CertificateStore store;
    private final CertificateFiles files;
    private final CertificateRegistry registry;
    private final Clock clock;
    private final Duration interval;
    /**
     * Versions seen per certificate's version key. Guarded by this object's lock: the sync job
     * and {@code AutoTls.syncWithStore()} (any thread) both look.
     */
    private final Map<String, Long> seen = new HashMap<>();
    private final RepeatingTask repeating;
    private final ChangeFeedReader feed;
    private final NotifiedLooks notified;
    private final VersionKeys versionKeys;
    private long looks;
    private volatile LookCost lastLook = LookCost.NONE;
    /** Told of each certificate this sync served from the store (for the stages waiting to see it served). */
    private final Consumer<ManagedCertificate> served;
    /** The managed set whose version each look reads too, or null when nothing changes the set at run time. */
    private volatile FollowedSet followed;

    /** A set of names kept in the store under a version key, read again when that version changes. */
    interface FollowedSet {
        /** The key whose version changes with the set. */
        String versionKey();

        /**
         * Reads the set again and adds or removes certificates to match it (its version changed).
         *
         * @throws IOException when the set could not be read; the version is then not taken as seen, so the next look tries again
         */
        void changed() throws IOException;

        /** Whatever the set keeps doing each interval, after the certificates were looked at (expired leftovers). */
        void tidy();
    }

    StoreSync(Supplier<List<ManagedCertificate>> managed, CertificateStore store, CertificateFiles files,
              CertificateRegistry registry, Clock clock, Duration interval, Consumer<ManagedCertificate> served) {
        this.managed = managed;
        this.served = served;
        this.store = store;
        this.files = files;
        this.registry = registry;
        this.clock = clock;
        this.interval = interval;
        this.repeating = new RepeatingTask(this::syncOnce, interval, clock, LOG,
                "Looking for certificates stored by other instances failed");
        this.feed = new ChangeFeedReader(store, clock);
        this.notified = new NotifiedLooks(this::syncOnce, clock);
        this.versionKeys = new VersionKeys(files);
    }

    Duration interval() {
        return interval;
    }

    /** Reads {@code set}'s version with the certificates' at every look from now on. */
    void follow(FollowedSet set) {
        this.followed = set;
    }

    /** Looks every interval on {@code on}, and at once on it when the store notifies a change. */
    void start(Scheduler on) {
        repeating.start(on);
        notified.start(on, store);
    }

    void stop() {
        repeating.stop();
        notified.stop();
    }

    /** What the last look asked of the store (tests, the benchmark). */
    LookCost lastLook() {
        return lastLook;
    }

    /**
     * One look at the store; returns how many certificates it published. One look at a time. When
     * the followed set's key changed, the set is read and the certificates changed to match before
     * they are looked at.
     */
    synchronized int syncOnce() {
        int[] cost = new int[3]; // keys sent, keys received, certificates read
        Optional<Set<String>> changed = feed.changed();
        boolean full = changed.isEmpty();
        try {
            return full ? compareAll(cost) : readChanged(changed.get(), cost);
        } finally {
            lastLook = new LookCost(++looks, full, cost[0], cost[1], cost[2]);
        }
    }

    /**
     * Reads the certificates (and the followed set) whose keys changed and whose version differs from
     * the one seen; those whose reading failed are asked again. A feed may name a key again although
     * nothing changed since (PostgreSQL's, while a long transaction holds its horizon back, names every
     * key changed since then at every look): one query for the versions of the changed certificates'
     * keys keeps a look from reading and decoding each of them again.
     */
    private int readChanged(Set<String> keys, int[] cost) {
        cost[1] = keys.size();
        FollowedSet set = followed;
        if (set != null && keys.contains(set.versionKey()) && !readSet(set)) {
            feed.retryLater(set.versionKey());
        }
        Map<String, ManagedCertificate> byKey = versionKeys.of(managed.get()); // after the set changed them
        List<String> certificateKeys = keys.stream().filter(byKey::containsKey).toList(); // not keys, accounts, answers
        int published = 0;
        if (!certificateKeys.isEmpty()) {
            cost[0] = certificateKeys.size();
            Map<String, Long> versions = versions(certificateKeys);
            if (versions == null) {
                certificateKeys.forEach(feed::retryLater);
            } else {
                for (String key : certificateKeys) {
                    if (readIfChanged(key, byKey.get(key), versions, cost)) {
                        published++;
                    }
                }
            }
        }
        if (set != null) {
            set.tidy();
        }
        return published;
    }

    /**
     * Reads {@code certificate} when its version differs from the one seen and this instance read it (or
     * saw a version of it) before, serving it if newer; whether it did. One never read is only recorded,
     * as {@link #compareAll} does: a handshake or its first look reads it fresh. The version is taken as
     * seen once read (or found unusable), so a failed read is tried again at the next look.
     */
    private boolean readIfChanged(String key, ManagedCertificate certificate, Map<String, Long> versions, int[] cost) {
        Long version = versions.get(key);
        boolean knownBefore = seen.containsKey(key);
        if (version == null && !knownBefore) {
            return false; // nothing stored, nothing seen: nothing to read
        }
        if (version != null && version.equals(seen.get(key))) {
            return false; // named again by the feed, unchanged since it was read
        }
        if (!knownBefore && certificate.state().stored() != CertificateState.Stored.READ) {
            seen.put(key, version);
            registry.forget(certificate.firstName()); // a load racing this look may hold what was there before: read again
            return false;
        }
        cost[2]++;
        try {
            boolean served = adoptIfNewer(certificate); // deleted (no version): recorded as nothing stored
            remember(key, version);
            return served;
        } catch (CorruptDataException e) {
            remember(key, version); // not read again until another instance stores something else
            LOG.warn("Not serving what the store holds for {}: {}.", certificate, e.getMessage());
        } catch (IOException e) {
            LOG.warn("Not serving what the store holds for {}: {}; trying again at the next look.", certificate,
                    e.getMessage());
            feed.retryLater(key);
        }
        return false;
    }

    private void remember(String key, Long version) {
        if (version == null) {
            seen.remove(key);
        } else {
            seen.put(key, version);
        }
    }

    /**
     * Compares the version of every certificate and the followed set with those seen, in one
     * query, and reads those that differ; the feed goes on from where it stood before.
     */
    private int compareAll(int[] cost) {
        long position = feed.positionNow(); // before the versions: a write after them is in the feed after it
        FollowedSet set = followed;
        List<ManagedCertificate> certificates = managed.get();
        List<String> keys = new ArrayList<>(certificates.size() + 1);
        for (ManagedCertificate certificate : certificates) {
            keys.add(files.versionKey(certificate.firstName()));
        }
        if (set != null) {
            keys.add(set.versionKey()); // one query for the set and the certificates
        }
        cost[0] = keys.size();
        Map<String, Long> versions = versions(keys);
        if (versions == null) {
            return 0;
        }
        cost[1] = versions.size();
        if (set != null && differs(set.versionKey(), versions) && readSet(set)) {
            seen.put(set.versionKey(), versions.get(set.versionKey())); // only once read: a failed read is tried again
        }
        int published = 0;
        for (int i = 0; i < certificates.size(); i++) {
            ManagedCertificate certificate = certificates.get(i);
            boolean knownBefore = seen.containsKey(keys.get(i));
            if (!changed(keys.get(i), versions)) {
                continue;
            }
            if (knownBefore || certificate.state().stored() == CertificateState.Stored.READ) {
                // one this instance has read (or saw a version of) may be outdated now; one it never read is read
                // fresh when a handshake or its first look needs it, so a first look after a start reads nothing
                cost[2]++;
                if (adoptStored(certificate)) {
                    published++;
                }
            } else {
                registry.forget(certificate.firstName()); // a load racing this look may hold what was there before: read again
            }
        }
        if (set != null) {
            set.tidy();
        }
        feed.compared(position);
        return published;
    }

    /** Reads the followed set again (certificates it adds are served as added, those it removes no more); whether it could. */
    private static boolean readSet(FollowedSet set) {
        try {
            set.changed();
            return true;
        } catch (IOException e) {
            LOG.warn("Could not read the names managed at run time from the store ({}); trying again at the next look.",
                    e.getMessage());
            return false;
        }
    }

    /** The store's versions of {@code keys}, or null when it cannot be read (it says once that it is down). */
    private Map<String, Long> versions(List<String> keys) {
        try {
            return store.versions(keys);
        } catch (IOException e) {
            LOG.debug("could not read versions from the store: {}", e.toString());
            return null;
        }
    }

    /** Whether {@code key}'s version differs from the one seen last; remembers it. */
    private boolean changed(String key, Map<String, Long> versions) {
        if (!differs(key, versions)) {
            return false;
        }
        seen.put(key, versions.get(key));
        return true;
    }

    /** Whether {@code key}'s version differs from the one seen last (nothing remembered). */
    private boolean differs(String key, Map<String, Long> versions) {
        Long version = versions.get(key);
        return version != null && !version.equals(seen.get(key));
    }

    /** Reads every certificate again whatever its version, serving what is newer; how many it served. */
    int reloadAll() {
        int published = 0;
        for (ManagedCertificate certificate : managed.get()) {
            if (adoptStored(certificate)) {
                published++;
            }
        }
        return published;
    }

    /** The stored version of each of {@code certificates} that the store holds, in one query. */
    Map<ManagedCertificate, Long> storedVersions(List<ManagedCertificate> certificates) throws IOException {
        Map<String, ManagedCertificate> byKey = new HashMap<>();
        for (ManagedCertificate certificate : certificates) {
            byKey.put(files.versionKey(certificate.firstName()), certificate);
        }
        Map<ManagedCertificate, Long> found = new HashMap<>();
        store.versions(byKey.keySet()).forEach((key, version) -> found.put(byKey.get(key), version));
        return found;
    }

    /** {@link #adoptIfNewer}, saying why not when the store cannot be read. */
    private boolean adoptStored(ManagedCertificate certificate) {
        try {
            return adoptIfNewer(certificate);
        } catch (IOException e) {
            LOG.warn("Not serving what the store holds for {}: {}.", certificate, e.getMessage());
            return false;
        }
    }

    /**
     * Serves what the store holds for {@code certificate} when it is still valid and newer than
     * what is served (never rolling back); whether it did. Its facts become the state's; its entry
     * replaces the one in memory, if memory holds one (else the next handshake reads it). A store
     * that holds nothing usable is recorded as such, so handshakes get a temporary certificate
     * without reading it again.
     *
     * @throws IOException when the store cannot be read ({@link CorruptDataException} when what it holds is unusable)
     */
    boolean adoptIfNewer(ManagedCertificate certificate) throws IOException {
        Optional<StoredCertificate> stored;
        try {
            stored = files.load(certificate.firstName());
        } catch (CorruptDataException e) {
            certificate.update(CertificateState::nothingStored);
            throw e;
        }
        if (stored.isEmpty() || !stored.get().notAfter().isAfter(clock.instant())) {
            certificate.update(CertificateState::nothingStored);
            return false;
        }
        StoredCertificate found = stored.get();
        boolean replacing = certificate.state().current() != null; // else the first read since start: nothing to say
        if (!certificate.serveIfNewer(found, ManagedCertificate.covers(found.leaf(), certificate.names), registry)) {
            return false;
        }
        if (replacing) {
            LOG.info("Now serving the certificate for {} that another instance stored (valid until {}).", certificate,
                    found.notAfter());
        }
        served.accept(certificate);
        return true;
    }
}
