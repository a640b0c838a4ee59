package dev.autotls.internal.engine;

import dev.autotls.CertificateStatus;
import dev.autotls.internal.store.CertificateFiles;
import dev.autotls.internal.store.CorruptDataException;
import dev.autotls.internal.store.StoredCertificate;
import dev.autotls.internal.store.StoredCertificates;
import dev.autotls.internal.tls.CertificateRegistry;
import dev.autotls.internal.tls.SelfSignedCertificates;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.Scheduler;
import java.io.IOException;
import java.io.InterruptedIOException;
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

    /** Reads the certificates (and the followed set) whose keys changed; those whose reading failed are asked again. */
    private int readChanged(Set<String> keys, int[] cost) {
        cost[1] = keys.size();
        FollowedSet set = followed;
        if (set != null && keys.contains(set.versionKey()) && !readSet(set)) {
            feed.retryLater(set.versionKey());
        }
        Map<String, ManagedCertificate> byKey = versionKeys.of(managed.get()); // after the set changed them
        int published = 0;
        for (String key : keys) {
            ManagedCertificate certificate = byKey.get(key);
            if (certificate == null) {
                continue; // a key that is no certificate's version key (a private key, an account, an answer)
            }
            cost[2]++;
            try {
                if (adoptIfNewer(certificate)) {
                    published++;
                }
            } catch (CorruptDataException e) {
                LOG.warn("Not serving what the store holds for {}: {}.", certificate, e.getMessage());
            } catch (IOException e) {
                LOG.warn("Not serving what the store holds for {}: {}; trying again at the next look.", certificate,
                        e.getMessage());
                feed.retryLater(key);
            }
        }
        if (set != null) {
            set.tidy();
        }
        return published;
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
            if (changed(keys.get(i), versions)) {
                cost[2]++;
                if (adoptStored(certificates.get(i))) {
                    published++;
                }
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

    /**
     * Publishes what is stored for every certificate, or a temporary one: all read at once and
     * decoded in parallel ({@link StoredCertificates}); how many stored ones are served.
     */
    long serveAllStoredOrFallback() {
        return serveStoredOrFallback(managed.get());
    }

    /** {@link #serveAllStoredOrFallback} for {@code certificates} only (certificates added while running). */
    long serveStoredOrFallback(List<ManagedCertificate> certificates) {
        List<String> firstNames = new ArrayList<>(certificates.size());
        for (ManagedCertificate certificate : certificates) {
            firstNames.add(certificate.firstName());
        }
        Map<String, StoredCertificates.Loaded> loaded;
        try {
            loaded = StoredCertificates.load(files, firstNames);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loaded = Map.of(); // stopping: serve temporary ones, the next start reads again
        }
        long fromStore = 0;
        for (ManagedCertificate certificate : certificates) {
            StoredCertificates.Loaded found = loaded.get(certificate.firstName());
            if (serveStoredOrFallback(certificate, found != null ? found
                    : new StoredCertificates.Loaded(Optional.empty(), new InterruptedIOException("interrupted")))) {
                fromStore++;
            }
        }
        return fromStore;
    }

    /** Publishes the stored certificate, or a temporary one; true when the stored one is served. */
    private boolean serveStoredOrFallback(ManagedCertificate certificate, StoredCertificates.Loaded loaded) {
        try {
            if (loaded.failure() != null) {
                throw loaded.failure();
            }
            Optional<StoredCertificate> stored = loaded.certificate();
            if (stored.isPresent() && stored.get().notAfter().isAfter(clock.instant())) {
                StoredCertificate found = stored.get();
                boolean matches = ManagedCertificate.covers(found.leaf(), certificate.names);
                certificate.serve(found, matches, true, CertificateStatus.Source.STORED, registry);
                if (matches) {
                    LOG.debug("Serving the stored certificate for {} (valid until {}).", certificate, found.notAfter());
                } else {
                    LOG.info("The stored certificate for {} does not cover all configured names; serving it while a new one is ordered.",
                            certificate);
                }
                return true;
            }
            if (stored.isPresent()) {
                LOG.info("The stored certificate for {} expired on {}; ordering a new one.", certificate, stored.get().notAfter());
            }
        } catch (CorruptDataException e) {
            LOG.warn("Not serving the stored certificate for {}: {}. A new one will be ordered.", certificate, e.getMessage());
        } catch (IOException e) {
            LOG.error("Could not read the stored certificate for {} ({}); serving a temporary one until the store answers.",
                    certificate, e.getMessage());
        }
        registry.publish(SelfSignedCertificates.create(certificate.names, clock));
        LOG.info("Serving a temporary self-signed certificate for {} until the CA issues one.", certificate);
        return false;
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
     * what is served (never rolling back); whether it did.
     *
     * @throws IOException when the store cannot be read ({@link CorruptDataException} when what it holds is unusable)
     */
    boolean adoptIfNewer(ManagedCertificate certificate) throws IOException {
        Optional<StoredCertificate> stored = files.load(certificate.firstName());
        if (stored.isEmpty() || !stored.get().notAfter().isAfter(clock.instant())) {
            return false;
        }
        StoredCertificate found = stored.get();
        if (!certificate.serveIfNewer(found, ManagedCertificate.covers(found.leaf(), certificate.names), registry)) {
            return false;
        }
        LOG.info("Now serving the certificate for {} that another instance stored (valid until {}).", certificate,
                found.notAfter());
        served.accept(certificate);
        return true;
    }

    /** "1 stored certificate and 2 temporary self-signed ones until the CA's arrive": counted, in words, nothing said of none. */
    static String servedAtStart(long stored, long temporary) {
        String storedPart = stored == 1 ? "1 stored certificate" : stored + " stored certificates";
        String temporaryPart = temporary == 1 ? "a temporary self-signed certificate until the CA's arrives"
                : temporary + " temporary self-signed certificates until the CA's arrive";
        if (temporary == 0) {
            return storedPart;
        }
        if (stored == 0) {
            return temporaryPart;
        }
        return storedPart + " and " + (temporary == 1 ? "a temporary self-signed one until the CA's arrives"
                : temporary + " temporary self-signed ones until the CA's arrive");
    }
}
