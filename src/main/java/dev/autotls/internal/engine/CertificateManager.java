package dev.autotls.internal.engine;

import dev.autotls.CertificateEvent;
import dev.autotls.CertificateStatus;
import dev.autotls.internal.acme.IssuedCertificate;
import dev.autotls.internal.ops.StatusView;
import dev.autotls.internal.store.CertificateFiles;
import dev.autotls.internal.store.CorruptDataException;
import dev.autotls.internal.store.StoredCertificate;
import dev.autotls.internal.tls.CertificateRegistry;
import dev.autotls.internal.tls.KeyType;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.Lease;
import dev.autotls.spi.LostLeaseException;
import dev.autotls.spi.Scheduler;
import dev.autotls.spi.StorageException;
import dev.autotls.spi.TransientException;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what each certificate needs and when, and carries it out through the store
 * contract only: serve what is stored (or a self-signed fallback) at start, order when
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

    /** The certificates under maintenance: an immutable list, replaced whole when one is added or removed. */
    private volatile List<ManagedCertificate> certificates;
    private final CaRotation cas;
    private final CertificateStore store;
    private final CertificateFiles files;
    private final CertificateRegistry registry;
    private final RenewalPlanner planner;
    private final FailurePolicy failures;
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
    private final KeyType keyType;
    private final Listeners listeners;
    private final StoreSync sync;
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

    public CertificateManager(List<ManagedCertificate> certificates, CaRotation cas, CertificateStore store, CertificateFiles files,
                       CertificateRegistry registry, RenewalPolicy policy, Backoff backoff,
                       Clock clock, RandomGenerator random, KeyType keyType, Listeners listeners, Duration syncInterval) {
        this.certificates = List.copyOf(certificates);
        this.cas = cas;
        this.store = store;
        this.files = files;
        this.registry = registry;
        this.failures = new FailurePolicy(backoff, cas, clock, listeners, random);
        this.random = random;
        this.planner = new RenewalPlanner(policy, cas, failures);
        this.clock = clock;
        this.keyType = keyType;
        this.listeners = listeners;
        this.sync = new StoreSync(this::certificates, store, files, registry, clock, syncInterval);
    }

    /**
     * Publishes what can be served right now: each stored certificate, or a temporary one. Called
     * before {@link #start} when something must know what is stored before the first job runs
     * (the warm start, which contacts the CA only if some certificate is to be ordered); else
     * {@link #start} calls it.
     */
    public void serveStored() {
        long started = System.nanoTime();
        List<ManagedCertificate> all = certificates;
        long fromStore = sync.serveAllStoredOrFallback();
        LOG.info("Serving {} ({} ms).", StoreSync.servedAtStart(fromStore, all.size() - fromStore),
                (System.nanoTime() - started) / 1_000_000);
        servedStored = true;
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
            serveStored();
        }
        List<ManagedCertificate> all = certificates;
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
        StoredCertificate current = state.current();
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
        for (ManagedCertificate certificate : certificates) {
            Scheduler.Cancellable scheduled = certificate.scheduled;
            if (scheduled != null) {
                scheduled.cancel();
            }
        }
    }

    public List<ManagedCertificate> certificates() {
        return certificates;
    }

    /**
     * Puts {@code certificate} under maintenance while the engine runs (or before it starts):
     * what the store holds for it, or a temporary certificate, is served at once, and its first
     * look is scheduled as at start.
     *
     * @throws IllegalArgumentException if a managed certificate has the same first name
     */
    public synchronized void add(ManagedCertificate certificate) {
        for (ManagedCertificate existing : certificates) {
            if (existing.firstName().equals(certificate.firstName())) {
                throw new IllegalArgumentException(certificate.firstName() + " is managed already");
            }
        }
        List<ManagedCertificate> grown = new java.util.ArrayList<>(certificates);
        grown.add(certificate);
        certificates = List.copyOf(grown);
        if (running) {
            sync.serveStoredOrFallback(List.of(certificate));
            schedule(certificate, firstLook(certificate, clock.instant()));
        }
    }

    /**
     * Takes the certificate whose first name is {@code firstName} out of maintenance: its next
     * look is called off, a job of it that is running finishes without scheduling another, and
     * its names are no longer served. What the store holds for it stays. False if none is managed.
     */
    public synchronized boolean remove(String firstName) {
        ManagedCertificate removed = null;
        List<ManagedCertificate> kept = new java.util.ArrayList<>(certificates.size());
        for (ManagedCertificate certificate : certificates) {
            if (certificate.firstName().equals(firstName)) {
                removed = certificate;
            } else {
                kept.add(certificate);
            }
        }
        if (removed == null) {
            return false;
        }
        certificates = List.copyOf(kept);
        Scheduler.Cancellable scheduled = removed.scheduled;
        if (scheduled != null) {
            scheduled.cancel();
        }
        removed.retire(registry); // a job or a store look still running for it can no longer serve it
        return true;
    }

    private boolean isManaged(ManagedCertificate certificate) {
        return certificates.contains(certificate);
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

    /** What one job did and when to look again. */
    private record Outcome(Instant next, String sentence) {
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
        CaRotation.Lane lane = cas.lane(certificate);
        try {
            Outcome outcome = renewIfDue(certificate, lane);
            next = outcome.next();
            sentence = outcome.sentence();
            certificate.update(CertificateState::succeeded);
            if (!certificate.state().saved()) { // served from memory only: store it as soon as the store answers
                next = min(next, clock.instant().plus(SAVE_RETRY));
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
            next = failures.failed(certificate, lane, e);
            sentence = e.getMessage();
            listeners.failed(new MaintenanceEvents.Failed(certificate.names, e, certificate.state().failures(), next));
        } catch (RuntimeException e) {
            TransientException unexpected = new TransientException("unexpected " + e, e);
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
        warnIfExpiringSoon(certificate, at);
    }

    /** Ends a job that schedules no next look (stopping, or a JVM error). */
    private void release(ManagedCertificate certificate) {
        synchronized (certificate) {
            inFlight.remove(certificate);
            askedWhileRunning.remove(certificate);
        }
    }

    /** Tells the listeners once per certificate when what is served nears its end unrenewed. */
    private void warnIfExpiringSoon(ManagedCertificate certificate, Instant now) {
        StoredCertificate current = certificate.state().current();
        if (current == null || current.leaf().getSerialNumber().equals(certificate.state().expiringSaidFor())) {
            return;
        }
        Duration third = Duration.between(current.notBefore(), current.notAfter()).dividedBy(3);
        Duration margin = third.compareTo(Duration.ofDays(7)) < 0 ? third : Duration.ofDays(7);
        if (now.isAfter(current.notAfter().minus(margin))) {
            certificate.update(state -> state.expiringSaid(current.leaf().getSerialNumber()));
            LOG.warn("The certificate for {} expires at {} and is not renewed yet.", certificate, current.notAfter());
            listeners.expiringSoon(StatusView.of(certificate, current.leaf(), clock.instant()));
        }
    }

    /**
     * Orders a new certificate for the certificate that covers {@code name} as soon as possible,
     * through the usual sequence (its lease, the CA circuit); false if no certificate covers it.
     */
    public boolean renewNow(String name) {
        for (ManagedCertificate certificate : certificates) {
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

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** Renews when due; returns when to look again. */
    private Outcome renewIfDue(ManagedCertificate certificate, CaRotation.Lane lane)
            throws AutoTlsException, InterruptedException, LostLeaseException {
        Optional<Instant> hold = failures.holdForCa(lane);
        if (hold.isPresent()) {
            cas.waiting(certificate, lane);
            LOG.debug("{}: {} is failing; waiting until {}", certificate, lane, hold.get());
            return new Outcome(hold.get(), "waiting for " + lane + ", which is failing, until " + hold.get());
        }
        boolean unsaved = certificate.state().current() != null && !certificate.state().saved();
        if (!unsaved && !due(certificate, false)) {
            return healthy(certificate);
        }
        Optional<Lease> lease;
        try {
            lease = store.locker().tryAcquire(files.lockName(certificate.firstName()));
        } catch (IOException e) {
            throw new StorageException("could not take the lease on " + certificate, e);
        }
        if (lease.isEmpty()) {
            Instant next = clock.instant().plus(sync.interval());
            LOG.info("{}: another instance holds its lease and is ordering it; serving what it stores (looking again at {}).",
                    certificate, next);
            return new Outcome(next, "another instance holds the lease and is ordering it");
        }
        try (Lease held = lease.get()) {
            adoptStored(certificate);
            CertificateState state = certificate.state();
            if (state.current() != null && !state.saved()) {
                save(certificate, state.current(), held);
            }
            if (!due(certificate, true)) { // another instance renewed it meanwhile
                return healthy(certificate);
            }
            obtain(certificate, lane, held);
        }
        StoredCertificate now = certificate.state().current();
        return new Outcome(planner.plan(certificate, now, clock.instant()).recheckAt(), "obtained a certificate (serial "
                + now.leaf().getSerialNumber().toString(16) + ", valid until " + now.notAfter() + ", from " + lane + ")");
    }

    private Outcome healthy(ManagedCertificate certificate) throws InterruptedException {
        RenewalPolicy.Plan plan = planner.plan(certificate, certificate.state().current(), clock.instant());
        return new Outcome(plan.recheckAt(), "valid; renewal planned at " + plan.renewAt() + " (" + plan.reason() + ")");
    }

    /** Whether {@code certificate} needs an order now (nothing served, names changed, or renewal due). */
    private boolean due(ManagedCertificate certificate, boolean say) throws InterruptedException {
        CertificateState state = certificate.state();
        if (state.current() == null || !state.matchesConfiguration()) {
            return true;
        }
        if (state.renewalAsked()) {
            if (say) {
                LOG.info("Renewing the certificate for {}: asked to by an operator.", certificate);
            }
            return true;
        }
        Instant now = clock.instant();
        RenewalPolicy.Plan plan = planner.plan(certificate, state.current(), now);
        if (!plan.renewNow(now)) {
            LOG.debug("{}: renewal planned at {} ({}); next look at {}", certificate, plan.renewAt(), plan.reason(),
                    plan.recheckAt());
            return false;
        }
        if (say) {
            LOG.info("Renewing the certificate for {}: it is due ({}).", certificate, plan.reason());
        }
        return true;
    }

    /** Under the lease: serves what the store holds if another instance stored something newer. */
    private void adoptStored(ManagedCertificate certificate) throws StorageException {
        try {
            sync.adoptIfNewer(certificate);
        } catch (CorruptDataException e) {
            LOG.warn("The stored certificate for {} cannot be used ({}); ordering a new one.", certificate, e.getMessage());
        } catch (IOException e) {
            throw new StorageException("could not read the stored certificate for " + certificate, e);
        }
    }

    private void obtain(ManagedCertificate certificate, CaRotation.Lane lane, Lease lease)
            throws AutoTlsException, InterruptedException, LostLeaseException {
        long started = System.nanoTime();
        StoredCertificate previous = certificate.state().current();
        Optional<X509Certificate> replacing = Optional.ofNullable(previous).map(StoredCertificate::leaf);
        try {
            certificate.strategy.preflight(certificate.names);
        } catch (IOException e) {
            throw new TransientException("the check before ordering for " + certificate + " failed: " + e.getMessage(), e);
        } catch (org.shredzone.acme4j.exception.AcmeException e) {
            throw new TransientException("the check before ordering for " + certificate + " failed: " + e.getMessage(), e);
        }
        IssuedCertificate issued = lane.issuer().obtain(certificate.names, certificate.strategy, keyType, replacing);
        StoredCertificate stored = new StoredCertificate(issued.names(), issued.keyPair(), issued.chain(), clock.instant());
        boolean saved = save(certificate, stored, lease);
        certificate.serve(stored, true, saved, CertificateStatus.Source.CA, registry);
        cas.issued(certificate, lane, stored); // also meets the operator's request, if any
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        LOG.info("Now serving the CA's certificate for {} (obtained in {} ms from {}, valid until {}).", certificate,
                took.toMillis(), lane, stored.notAfter());
        String provedWith = issued.challengeTypes().isEmpty() ? "reused authorization" : String.join(" and ", issued.challengeTypes());
        CertificateEvent event = new MaintenanceEvents.Served(certificate.names, stored.leaf(), took, provedWith);
        if (previous == null) {
            listeners.obtained(event);
        } else {
            listeners.renewed(event);
        }
    }

    /**
     * Stores a certificate under its lease; false if the store failed (it is then served from
     * memory and saved again soon). A lost lease is not swallowed: the work stops unserved.
     */
    private boolean save(ManagedCertificate certificate, StoredCertificate stored, Lease lease) throws LostLeaseException {
        try {
            files.save(stored, lease);
            certificate.update(state -> state.current() == stored ? state.serving(stored, state.matchesConfiguration(), true, state.source()) : state);
            return true;
        } catch (LostLeaseException e) {
            throw e;
        } catch (IOException e) {
            LOG.error("Could not store the certificate for {} ({}); serving it from memory and storing it when the store answers.",
                    certificate, e.getMessage());
            return false;
        }
    }
}
