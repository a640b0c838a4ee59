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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 * after failures. One job per certificate is scheduled at a time and jobs for the same
 * certificate never overlap; a failure for one certificate touches no other.
 *
 * <p>On a store shared by several instances each job that may order follows one sequence:
 * take the certificate's lease (or leave it to the instance holding it) -> read the store
 * again -> decide again (another instance may have renewed meanwhile) -> order -> save key,
 * chain and metadata in one write guarded by the lease -> release -> serve. {@link StoreSync}
 * serves what the other instances store.
 */
public final class CertificateManager {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateManager.class);
    /** How far the first looks at healthy stored certificates are spread after a start. */
    public static final Duration START_SPREAD = Duration.ofMinutes(5);

    /** The certificates under maintenance: an immutable value, replaced whole when one is added or removed. */
    private volatile Managed managed;
    private final CaRotation cas;
    private final CertificateRegistry registry;
    private final FailurePolicy failures;
    private final Renewal renewal;
    /** After a save failed: store it again this soon. */
    private static final Duration SAVE_RETRY = Duration.ofSeconds(5);
    /** Given at each start: AutoTls makes its threads when it starts and ends them when it stops. */
    private volatile Scheduler scheduler;
    private volatile Executor workers;
    /** Whether {@link #serveStored} ran since the last stop. */
    private volatile boolean servedStored;
    private final Clock clock;
    /** Spreads the first looks after a start; the same source as the back-offs' jitter. Thread-safe. */
    private final RandomGenerator random;
    private final Listeners listeners;
    private final StoreSync sync;
    /** Serves the certificates from the store as handshakes ask for them. */
    private final StoreServing serving;
    /** Told of every certificate added, removed, and looked at (JMX beans, gauges, waiting {@code manage} calls). */
    private final List<CertificateWatcher> watchers = new CopyOnWriteArrayList<>();
    /**
     * Certificates whose job runs now. By identity, not name: a certificate removed and added
     * again is a new one whose looks do not wait for the old one's job. Changed, together with
     * {@link #askedWhileRunning} and the certificate's next look, only under the certificate's lock.
     */
    private final Set<ManagedCertificate> inFlight = ConcurrentHashMap.newKeySet();
    /**
     * Certificates whose look was asked for (an operator's renew) while their job ran: the
     * running job looks again right after it ends instead of at its own next time.
     */
    private final Set<ManagedCertificate> askedWhileRunning = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    /** The certificates in order and by first name, swapped together. */
    private record Managed(List<ManagedCertificate> list, Map<String, ManagedCertificate> byFirstName) {
        static Managed of(List<ManagedCertificate> certificates) {
            Map<String, ManagedCertificate> byFirstName = new HashMap<>();
            for (ManagedCertificate certificate : certificates) {
                byFirstName.put(certificate.firstName(), certificate);
            }
            return new Managed(List.copyOf(certificates), Map.copyOf(byFirstName));
        }
    }

    public CertificateManager(List<ManagedCertificate> certificates, CaRotation cas, CertificateStore store, CertificateFiles files,
                       CertificateRegistry registry, RenewalPolicy policy, Backoff backoff,
                       Clock clock, RandomGenerator random, KeyType keyType, Listeners listeners, Duration syncInterval) {
        this.managed = Managed.of(certificates);
        this.cas = cas;
        this.registry = registry;
        this.failures = new FailurePolicy(backoff, cas, clock, listeners, random);
        this.random = random;
        this.clock = clock;
        this.listeners = listeners;
        this.sync = new StoreSync(this::certificates, store, files, registry, clock, syncInterval, this::lookedAt);
        this.serving = new StoreServing(this::certificate, files, registry, clock, this::lookedAt);
        registry.loadFrom(serving);
        this.renewal = new Renewal(cas, store, files, registry, new RenewalPlanner(policy, cas, failures, serving::leaf), failures,
                clock, keyType, listeners, sync, serving, random);
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
     * stop) and schedules the first look at every certificate on {@code scheduler}, running jobs
     * on {@code workers}. Never waits for the CA. After {@link #stop} it may be started again
     * (with new threads): what is served is read anew.
     */
    public void start(Scheduler scheduler, Executor workers) {
        this.scheduler = scheduler;
        this.workers = workers;
        running = true;
        if (!servedStored) {
            serveStored(workers);
        }
        List<ManagedCertificate> all = managed.list();
        Instant now = clock.instant();
        for (ManagedCertificate certificate : all) {
            schedule(certificate, firstLook(certificate, now));
        }
        sync.start(scheduler);
    }

    /**
     * At once for a certificate that needs an order or is in its last third; otherwise
     * spread over {@link #START_SPREAD}, so a restart with many healthy certificates does not
     * send the CA a burst of renewal-window requests.
     */
    private Instant firstLook(ManagedCertificate certificate, Instant now) {
        CertificateState state = certificate.state();
        CertificateFacts current = state.current();
        if (current == null || !state.matchesConfiguration()) {
            return now;
        }
        Duration lifetime = Duration.between(current.notBefore(), current.notAfter());
        if (now.isAfter(current.notAfter().minus(lifetime.dividedBy(3)))) {
            return now;
        }
        return now.plusMillis(random.nextLong(START_SPREAD.toMillis()));
    }

    public void stop() {
        running = false;
        servedStored = false;
        sync.stop();
        for (ManagedCertificate certificate : managed.list()) {
            Scheduler.Cancellable scheduled = certificate.scheduled;
            if (scheduled != null) {
                scheduled.cancel();
            }
        }
    }

    public List<ManagedCertificate> certificates() {
        return managed.list();
    }

    /** The certificate whose first name is {@code firstName}, if it is managed. */
    public Optional<ManagedCertificate> certificate(String firstName) {
        return Optional.ofNullable(managed.byFirstName().get(firstName));
    }

    /**
     * Puts {@code certificate} under maintenance while the engine runs (or before it starts):
     * what the store holds for it, or a temporary certificate, is served as handshakes ask for it,
     * and its first look is scheduled as at start. While running, what the store holds for it is
     * read now (its facts only stay in memory), so a name managed again is served at once.
     *
     * @throws IllegalArgumentException if a managed certificate has the same first name
     */
    public synchronized void add(ManagedCertificate certificate) {
        Managed before = managed;
        if (before.byFirstName().containsKey(certificate.firstName())) {
            throw new IllegalArgumentException(certificate.firstName() + " is managed already");
        }
        List<ManagedCertificate> grown = new ArrayList<>(before.list());
        grown.add(certificate);
        managed = Managed.of(grown);
        watchers.forEach(watcher -> watcher.added(certificate));
        if (running) {
            serving.serve(List.of(certificate));
            try {
                sync.adoptIfNewer(certificate);
            } catch (IOException e) {
                LOG.debug("could not read what the store holds for {} yet: {}", certificate, e.toString()); // its first look reads it
            }
            schedule(certificate, firstLook(certificate, clock.instant()));
            lookedAt(certificate);
        }
    }

    /**
     * Takes the certificate whose first name is {@code firstName} out of maintenance: its next
     * look is called off, a job of it that is running finishes without scheduling another, and
     * its names are no longer served. What the store holds for it stays. The removed one, if any.
     */
    public synchronized Optional<ManagedCertificate> remove(String firstName) {
        Managed before = managed;
        ManagedCertificate removed = before.byFirstName().get(firstName);
        if (removed == null) {
            return Optional.empty();
        }
        List<ManagedCertificate> kept = new ArrayList<>(before.list());
        kept.remove(removed);
        managed = Managed.of(kept);
        Scheduler.Cancellable scheduled = removed.scheduled;
        if (scheduled != null) {
            scheduled.cancel();
        }
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

    /** One look at what other instances stored (the scheduler does this every sync interval). */
    public int syncNow() {
        return sync.syncOnce();
    }

    /** Sets the certificate's one next look, calling off the one it replaces: never two chains of jobs. */
    private void schedule(ManagedCertificate certificate, Instant at) {
        if (!running || !isManaged(certificate)) {
            return;
        }
        Scheduler.Cancellable previous = certificate.scheduled;
        certificate.scheduled = scheduler.schedule(() -> workers.execute(() -> maintain(certificate)), at);
        if (previous != null) {
            previous.cancel();
        }
    }

    /** The maintenance job of one certificate: renew if due, then schedule the next look. */
    void maintain(ManagedCertificate certificate) {
        if (!running || !isManaged(certificate)) {
            return;
        }
        synchronized (certificate) {
            if (!inFlight.add(certificate)) {
                askedWhileRunning.add(certificate);
                return;
            }
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
            release(certificate);
            return;
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
        } catch (Error e) {
            release(certificate);
            throw e;
        }
        Instant at = clock.instant();
        String said = sentence;
        synchronized (certificate) { // one step: a renew asked from now on finds no job running and schedules itself
            if (askedWhileRunning.remove(certificate)) {
                next = at;
            }
            Instant scheduledAt = next;
            certificate.update(state -> state.attempted(at, said, scheduledAt));
            inFlight.remove(certificate);
            schedule(certificate, next);
        }
        renewal.warnIfExpiringSoon(certificate, at);
        AutoTlsException failed = failure;
        watchers.forEach(watcher -> watcher.looked(certificate, failed));
    }

    /** Ends a job that schedules no next look (stopping, or a JVM error). */
    private void release(ManagedCertificate certificate) {
        synchronized (certificate) {
            inFlight.remove(certificate);
            askedWhileRunning.remove(certificate);
        }
    }

    /**
     * Orders a new certificate for the certificate that covers {@code name} as soon as possible,
     * through the usual sequence (its lease, the CA circuit); false if no certificate covers it.
     */
    public boolean renewNow(String name) {
        for (ManagedCertificate certificate : managed.list()) {
            if (certificate.names.contains(name)) {
                certificate.update(CertificateState::askRenewal);
                synchronized (certificate) {
                    if (inFlight.contains(certificate)) {
                        askedWhileRunning.add(certificate); // the running job looks again as soon as it ends
                    } else {
                        schedule(certificate, clock.instant());
                    }
                }
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
