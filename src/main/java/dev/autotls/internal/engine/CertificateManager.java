package dev.autotls.internal.engine;

import dev.autotls.internal.store.CertificateFiles;
import dev.autotls.internal.tls.CertificateRegistry;
import dev.autotls.internal.tls.KeyType;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.LostLeaseException;
import dev.autotls.spi.Scheduler;
import dev.autotls.spi.TransientException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what each certificate needs and when, and carries it out through the store
 * contract only: serve what is stored (or a self-signed fallback) from the start, each
 * certificate read when a handshake first asks for it ({@link StoreServing}), order when
 * nothing valid is stored, renew when the CA's window or the lifetime says so, back off
 * after failures. Jobs for the same certificate never overlap; a failure for one certificate
 * touches no other. When each is looked at is the {@link LookPlanner}'s: one timer for all,
 * each job's next look kept in the store.
 *
 * <p>On a store shared by several instances each job that may order follows one sequence:
 * take the certificate's lease (or leave it to the instance holding it) -> read the store
 * again -> decide again (another instance may have renewed meanwhile) -> order -> save key,
 * chain and metadata in one write guarded by the lease -> release -> serve. {@link StoreSync}
 * serves what the other instances store.
 */
public final class CertificateManager {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateManager.class);
    /** How far the first looks at healthy stored certificates that have no next look in the store are spread after a start. */
    public static final Duration START_SPREAD = Duration.ofMinutes(5);

    /** The certificates under maintenance: an immutable value, replaced whole when one is added or removed. */
    private volatile ManagedCertificates managed;
    private final CaRotation cas;
    private final CertificateRegistry registry;
    private final FailurePolicy failures;
    private final Renewal renewal;
    /** After a save failed: store it again this soon. */
    private static final Duration SAVE_RETRY = Duration.ofSeconds(5);
    /** Whether {@link #serveStored} ran since the last stop. */
    private volatile boolean servedStored;
    private final Clock clock;
    /** When each certificate is first looked at, after a start or an addition. */
    private final FirstLooks firstLooks;
    private final Listeners listeners;
    private final StoreSync sync;
    /** Serves the certificates from the store as handshakes ask for them. */
    private final StoreServing serving;
    /** Told of every certificate added, removed, and looked at (JMX beans, gauges, waiting {@code manage} calls). */
    private final List<CertificateWatcher> watchers = new CopyOnWriteArrayList<>();
    /**
     * When each certificate is looked at; one job per certificate at a time, by identity: a
     * certificate removed and added again is a new one whose looks do not wait for the old one's job.
     */
    private final LookPlanner planner;
    private volatile boolean running;

    public CertificateManager(List<ManagedCertificate> certificates, CaRotation cas, CertificateStore store, CertificateFiles files,
                       CertificateRegistry registry, RenewalPolicy policy, Backoff backoff,
                       Clock clock, RandomGenerator random, KeyType keyType, Listeners listeners, Duration syncInterval) {
        this.managed = ManagedCertificates.of(certificates);
        this.cas = cas;
        this.registry = registry;
        this.failures = new FailurePolicy(backoff, cas, clock, listeners, random);
        this.firstLooks = new FirstLooks(random);
        this.clock = clock;
        this.listeners = listeners;
        this.sync = new StoreSync(this::certificates, store, files, registry, clock, syncInterval, this::lookedAt);
        this.serving = new StoreServing(this::certificate, files, registry, clock, this::learnt);
        registry.loadFrom(serving);
        this.renewal = new Renewal(cas, store, files, registry, new RenewalPlanner(policy, cas, failures, serving::leaf), failures,
                clock, keyType, listeners, sync, serving, random);
        this.planner = new LookPlanner(new KeptLooks(store, files, name -> managed.byFolderName().get(name)), this::certificates,
                clock, this::maintain, firstLooks::at);
    }

    /**
     * Asked by a job before it orders (a renewal, or a first order that failed before): on-demand
     * certificates ask their permission check again here.
     */
    @FunctionalInterface
    public interface OrderPermission {
        /**
         * Whether {@code certificate} may be ordered now; false when it was refused, and then this
         * check has taken it out of maintenance itself.
         */
        boolean mayOrder(ManagedCertificate certificate) throws AutoTlsException, InterruptedException;
    }

    /** Asks {@code pacing}'s queue of the CA before every new order from now on (the CA's rate limits, its 429 pauses). */
    public void paceOrders(dev.autotls.internal.engine.pacing.OrderPacing pacing) {
        renewal.paceOrders(pacing);
    }

    /** Asks {@code permission} before every order from now on. */
    public void askBeforeOrdering(OrderPermission permission) {
        renewal.askBeforeOrdering(permission);
    }

    /** Tells {@code watcher} of every change from now on. */
    public void watch(CertificateWatcher watcher) {
        watchers.add(watcher);
    }

    /**
     * Serves what the store holds for {@code certificate} now if it is newer than what is served (a
     * certificate another instance ordered, looked for while a handshake waits for it); whether it did.
     *
     * @throws IOException when the store cannot be read
     */
    public boolean lookInStore(ManagedCertificate certificate) throws IOException {
        return sync.adoptIfNewer(certificate);
    }

    /**
     * The version the store holds of each of {@code certificates} (those it holds nothing for are left out), in one
     * query: a poll reads only what changed.
     *
     * @throws IOException when the store cannot be read
     */
    public Map<ManagedCertificate, Long> storedVersions(List<ManagedCertificate> certificates) throws IOException {
        return sync.storedVersions(certificates);
    }

    /** The store sync, which also looks at the managed set's version when one is {@link StoreSync#follow followed}. */
    StoreSync sync() {
        return sync;
    }

    /**
     * Serves every certificate from the store from now on, as handshakes ask for it (or a temporary one
     * while the store holds none), reading now only the few kept in memory for handshakes without SNI,
     * so a start takes as long with a hundred thousand stored certificates as with one. The store's list
     * of certificates is read on {@code background} ({@link #storeListed}). Called before {@link #start}
     * when something must know what is stored before the first job runs (the warm start, which contacts
     * the CA only if some certificate is to be ordered); else {@link #start} calls it.
     */
    public void serveStored(Executor background) {
        serving.serveAtStart(managed.list(), background);
        servedStored = true;
    }

    /** See {@link StoreServing#listed}. */
    public CompletableFuture<Void> storeListed() {
        return serving.listed();
    }

    /**
     * Publishes what can be served right now (unless {@link #serveStored} did since the last
     * stop) and starts planning looks on {@code scheduler} (one wake-up, whatever the number of
     * certificates), running jobs on {@code workers}. Never waits for the CA, nor reads the looks
     * kept in the store: the planner's first wake-up does. After {@link #stop} it may be started
     * again (with new threads): what is served is read anew.
     */
    public void start(Scheduler scheduler, Executor workers) {
        running = true;
        if (!servedStored) {
            serveStored(workers);
        }
        planner.start(scheduler, workers);
        sync.start(scheduler);
    }

    public void stop() {
        running = false;
        servedStored = false;
        sync.stop();
        planner.stop();
    }

    public List<ManagedCertificate> certificates() {
        return managed.list();
    }

    /** The certificate whose first name is {@code firstName}, if it is managed. */
    public Optional<ManagedCertificate> certificate(String firstName) {
        return Optional.ofNullable(managed.byFirstName().get(firstName));
    }

    /** {@link #addAll} of one certificate. */
    public void add(ManagedCertificate certificate) {
        addAll(List.of(certificate));
    }

    /**
     * Puts {@code added} under maintenance while the engine runs (or before it starts), in one
     * swap of the managed set however many they are: what the store holds for each, or a temporary
     * certificate, is served as handshakes ask for it, and each one's first look is planned as at
     * start for a certificate the store keeps no look for. While running, what the store holds for a
     * single one is read now (its facts only stay in memory); many are read by their first looks.
     *
     * @throws IllegalArgumentException if a managed certificate, or another of {@code added}, has the same first name
     */
    public void addAll(List<ManagedCertificate> added) {
        boolean runningNow;
        synchronized (this) {
            managed = managed.with(added);
            for (ManagedCertificate certificate : added) {
                watchers.forEach(watcher -> watcher.added(certificate));
            }
            runningNow = running;
        }
        if (!runningNow) {
            return; // the start serves and plans every managed certificate
        }
        // the store is read without the lock: serving may wait for it up to 10 s, and status, removals and
        // other additions would wait as long
        serving.serve(added);
        if (added.size() == 1) {
            try {
                sync.adoptIfNewer(added.get(0));
            } catch (IOException e) {
                LOG.debug("could not read what the store holds for {} yet: {}", added.get(0), e.toString()); // its first look does
            }
        }
        Instant now = clock.instant();
        synchronized (this) {
            for (ManagedCertificate certificate : added) {
                if (managed.byFirstName().get(certificate.firstName()) != certificate) {
                    continue; // removed meanwhile: its looks were called off
                }
                planner.lookAt(certificate, firstLooks.at(certificate, Optional.empty(), now));
                lookedAt(certificate);
            }
        }
    }

    /**
     * Takes the certificate whose first name is {@code firstName} out of maintenance: its next
     * look is called off, a job of it that is running finishes without scheduling another, and
     * its names are no longer served. What the store holds for it stays. The removed one, if any.
     */
    public synchronized Optional<ManagedCertificate> remove(String firstName) {
        ManagedCertificate removed = managed.byFirstName().get(firstName);
        if (removed == null) {
            return Optional.empty();
        }
        managed = managed.without(removed);
        planner.forget(removed);
        removed.retire(registry); // a job or a store look still running for it can no longer serve it
        watchers.forEach(watcher -> watcher.removed(removed));
        return Optional.of(removed);
    }

    private boolean isManaged(ManagedCertificate certificate) {
        return managed.byFirstName().get(certificate.firstName()) == certificate;
    }

    /** Something may now serve {@code certificate} differently (a job ended, the store sync served it). */
    private void lookedAt(ManagedCertificate certificate) {
        watchers.forEach(watcher -> watcher.looked(certificate, null));
    }

    /**
     * A handshake's load learnt {@code certificate}'s facts: when what is stored no longer covers its names
     * (names added to its group since), it is looked at now rather than at the look kept for the old
     * certificate. Not after failures, whose back-off stands; a load happens once per eviction, so this
     * never turns handshakes into orders.
     */
    private void learnt(ManagedCertificate certificate) {
        lookedAt(certificate);
        CertificateState state = certificate.state();
        if (running && state.current() != null && !state.matchesConfiguration() && state.failures() == 0) {
            planner.lookAt(certificate, clock.instant());
        }
    }

    /** One look at what other instances stored (the scheduler does this every sync interval). */
    public int syncNow() {
        return sync.syncOnce();
    }

    /**
     * Sets {@code certificate}'s next look to {@code until}, in memory and in the store, so no instance
     * looks at it before (a certificate waiting for its turn to order); when its job is running,
     * {@code until} replaces that job's outcome. A job that decides this itself returns it as its
     * {@link Renewal.Outcome#next()} instead.
     */
    void park(ManagedCertificate certificate, Instant until) {
        planner.park(certificate, until);
    }

    /** Looks at {@code certificate} no later than {@code at} (its turn to order came sooner); after its job if one runs. */
    void lookAt(ManagedCertificate certificate, Instant at) {
        planner.lookAt(certificate, at);
    }

    /**
     * The maintenance job of one certificate, on a worker (the planner runs one per certificate at a
     * time): renew if due; the next look, which the planner keeps, or null when none is planned.
     */
    private Instant maintain(ManagedCertificate certificate) {
        if (!running || !isManaged(certificate)) {
            return null;
        }
        Instant next;
        String sentence;
        AutoTlsException failure = null;
        CaRotation.Lane lane = cas.lane(certificate);
        try {
            Renewal.Outcome outcome = renewal.renewIfDue(certificate, lane);
            next = outcome.next();
            sentence = outcome.sentence();
            certificate.update(CertificateState::succeeded);
            if (!certificate.state().saved()) { // served from memory only: store it as soon as the store answers
                next = next.isBefore(clock.instant().plus(SAVE_RETRY)) ? next : clock.instant().plus(SAVE_RETRY);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (LostLeaseException e) {
            next = clock.instant().plus(sync.interval());
            sentence = e.getMessage();
            LOG.warn("{}: {}. Another instance goes on with it; looking again at {}.", certificate, e.getMessage(), next);
        } catch (AutoTlsException e) {
            failure = e;
            next = failures.failed(certificate, lane, e);
            sentence = e.getMessage();
            listeners.failed(new MaintenanceEvents.Failed(certificate.names, e, certificate.state().failures(), next));
        } catch (RuntimeException e) {
            TransientException unexpected = new TransientException("unexpected " + e, e);
            failure = unexpected;
            next = failures.failed(certificate, lane, unexpected);
            sentence = unexpected.getMessage();
            LOG.warn("Unexpected failure for {}", certificate, e);
            listeners.failed(new MaintenanceEvents.Failed(certificate.names, unexpected, certificate.state().failures(), next));
        }
        Instant at = clock.instant();
        String said = sentence;
        Instant planned = next;
        certificate.update(state -> state.attempted(at, said, planned));
        renewal.warnIfExpiringSoon(certificate, at);
        AutoTlsException failed = failure;
        watchers.forEach(watcher -> watcher.looked(certificate, failed));
        return next;
    }

    /**
     * Orders a new certificate for the certificate that covers {@code name} as soon as possible,
     * through the usual sequence (its lease, the CA circuit); false if no certificate covers it.
     */
    public boolean renewNow(String name) {
        for (ManagedCertificate certificate : managed.list()) {
            if (certificate.names.contains(name)) {
                certificate.update(CertificateState::askRenewal);
                planner.lookAt(certificate, clock.instant()); // a job running now looks again as soon as it ends
                return true;
            }
        }
        return false;
    }

    /** Reads every certificate from the store again and serves what is newer; how many it served. */
    public int reload() {
        return sync.reloadAll();
    }

}
