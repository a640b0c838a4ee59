package dev.autotls.internal.engine;

import dev.autotls.CertificateEvent;
import dev.autotls.CertificateStatus;
import dev.autotls.internal.acme.IssuedCertificate;
import dev.autotls.internal.acme.RateLimitedException;
import dev.autotls.internal.acme.ReplacementRefusedException;
import dev.autotls.internal.engine.pacing.OrderPacing;
import dev.autotls.internal.ops.StatusView;
import dev.autotls.internal.store.CertificateFiles;
import dev.autotls.internal.store.CorruptDataException;
import dev.autotls.internal.store.StoredCertificate;
import dev.autotls.internal.store.StoredMetadata;
import dev.autotls.internal.tls.CertificateRegistry;
import dev.autotls.internal.tls.KeyType;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.Lease;
import dev.autotls.spi.LostLeaseException;
import dev.autotls.spi.StorageException;
import dev.autotls.spi.TransientException;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one maintenance job of one certificate does, once {@link CertificateManager} has let it
 * run: decide whether it is due, and if so take its lease, read the store again, decide again
 * (another instance may have renewed meanwhile), order, save under the lease and serve. The
 * manager keeps the bookkeeping around it (one job per certificate, the next look).
 */
final class Renewal {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateManager.class); // the engine's one voice in the log

    private final CaRotation cas;
    private final CertificateStore store;
    private final CertificateFiles files;
    private final CertificateRegistry registry;
    private final RenewalPlanner planner;
    private final FailurePolicy failures;
    private final Clock clock;
    private final KeyType keyType;
    private final Listeners listeners;
    private final StoreSync sync;
    /** Reads the served certificate itself when its facts are not enough (the {@code replaces} of a renewal). */
    private final StoreServing serving;
    /** Spreads the looks after the first read since a start, as {@link CertificateManager#START_SPREAD} says. */
    private final RandomGenerator random;
    /** Asked before each order; by default every order may go ahead. */
    private volatile CertificateManager.OrderPermission permission = certificate -> true;
    /** The CA accounts' order queues, asked right before each new order; by default none holds one back. */
    private volatile OrderPacing pacing;

    Renewal(CaRotation cas, CertificateStore store, CertificateFiles files, CertificateRegistry registry, RenewalPlanner planner,
            FailurePolicy failures, Clock clock, KeyType keyType, Listeners listeners, StoreSync sync, StoreServing serving,
            RandomGenerator random) {
        this.cas = cas;
        this.store = store;
        this.files = files;
        this.registry = registry;
        this.planner = planner;
        this.failures = failures;
        this.clock = clock;
        this.keyType = keyType;
        this.listeners = listeners;
        this.sync = sync;
        this.pacing = OrderPacing.none(clock);
        this.serving = serving;
        this.random = random;
    }

    void askBeforeOrdering(CertificateManager.OrderPermission permission) {
        this.permission = permission;
    }

    void paceOrders(OrderPacing queues) {
        this.pacing = queues;
    }

    /** What one job did and when to look again. */
    record Outcome(Instant next, String sentence) {
    }

    /** Tells the listeners once per certificate when what is served nears its end unrenewed. */
    void warnIfExpiringSoon(ManagedCertificate certificate, Instant now) {
        CertificateFacts current = certificate.state().current();
        if (current == null || current.serial().equals(certificate.state().expiringSaidFor())) {
            return;
        }
        Duration third = Duration.between(current.notBefore(), current.notAfter()).dividedBy(3);
        Duration margin = third.compareTo(Duration.ofDays(7)) < 0 ? third : Duration.ofDays(7);
        if (now.isAfter(current.notAfter().minus(margin))) {
            certificate.update(state -> state.expiringSaid(current.serial()));
            LOG.warn("The certificate for {} expires at {} and is not renewed yet.", certificate, current.notAfter());
            listeners.expiringSoon(StatusView.of(certificate, clock.instant()));
        }
    }


    /** Renews when due; returns when to look again. */
    Outcome renewIfDue(ManagedCertificate certificate, CaRotation.Lane lane)
            throws AutoTlsException, InterruptedException, LostLeaseException {
        if (certificate.state().stored() != CertificateState.Stored.READ) {
            Optional<Outcome> healthy = firstRead(certificate);
            if (healthy.isPresent()) {
                return healthy.get();
            }
        }
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
            if (state.unsaved() != null) {
                save(certificate, state.unsaved(), held);
            }
            if (!due(certificate, true)) { // another instance renewed it meanwhile
                return healthy(certificate);
            }
            // asked only here, by the one instance about to order, so a site asks once per renewal
            if (!permission.mayOrder(certificate)) { // it took the certificate out of maintenance
                return new Outcome(clock.instant().plus(sync.interval()), "no longer managed: the permission check refused it");
            }
            // the gate before a new order: the CA account's queue, last, once every other reason not to order is gone
            boolean replacement = namesReplaced(certificate, lane);
            boolean exempt = replacement && lane.issuer().announcesReplacements();
            Optional<Outcome> waiting = queue(certificate, lane, exempt);
            if (waiting.isPresent()) {
                return waiting.get();
            }
            preflight(certificate);
            try {
                obtain(certificate, lane, held, replacement);
                if (exempt) {
                    pacing.replacementOrdered(lane.issuer().id());
                }
            } catch (ReplacementRefusedException e) {
                // no order was made: without naming what it replaces it is a new order, which asks the queue like one
                if (e.aboutTheReplacement()) {
                    certificate.update(s -> s.replacementRefused(e.serial()));
                }
                LOG.info("{}: {}; renewing it as a new order, which the CA counts against its limits.", certificate,
                        capitalized(e.getMessage()));
                waiting = queue(certificate, lane, false);
                if (waiting.isPresent()) {
                    return waiting.get();
                }
                obtain(certificate, lane, held, false);
            }
        }
        CertificateFacts now = certificate.state().current();
        return new Outcome(planner.plan(certificate, now, clock.instant()).recheckAt(), "obtained a certificate (serial "
                + now.serial().toString(16) + ", valid until " + now.notAfter() + ", from " + lane + ")");
    }

    /**
     * The first look since start at a certificate whose store was not read yet: reads its metadata only
     * (its facts; the key and chain are read when a handshake or a renewal needs them), and when it is
     * healthy (it covers the names and is not in its last third) looks again within
     * {@link CertificateManager#START_SPREAD} instead of asking the CA for its window now, so a restart
     * with many certificates sends the CA no burst; empty when it needs more than that now.
     */
    private Optional<Outcome> firstRead(ManagedCertificate certificate) throws StorageException {
        Optional<StoredMetadata> stored;
        try {
            stored = files.loadMetadata(certificate.firstName());
        } catch (CorruptDataException e) {
            LOG.warn("The stored certificate for {} cannot be used ({}); ordering a new one.", certificate, e.getMessage());
            certificate.update(CertificateState::unusable);
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("could not read the stored certificate for " + certificate, e);
        }
        if (stored.isEmpty() || !stored.get().notAfter().isAfter(clock.instant())) {
            certificate.update(CertificateState::nothingStored);
            return Optional.empty();
        }
        certificate.learn(CertificateFacts.of(stored.get()), new HashSet<>(stored.get().names()).containsAll(certificate.names));
        CertificateState state = certificate.state();
        CertificateFacts current = state.current();
        Instant now = clock.instant();
        if (current == null || !state.matchesConfiguration() || state.renewalAsked()) {
            return Optional.empty();
        }
        Duration lifetime = Duration.between(current.notBefore(), current.notAfter());
        if (now.isAfter(current.notAfter().minus(lifetime.dividedBy(3)))) {
            return Optional.empty();
        }
        Instant next = now.plusMillis(random.nextLong(CertificateManager.START_SPREAD.toMillis()));
        return Optional.of(new Outcome(next, "read from the store: valid until " + current.notAfter()
                + "; its renewal is planned at the next look"));
    }

    /**
     * Whether the order names the certificate it renews (ARI's {@code replaces}): one the CA issued (as
     * far as this run knows, else the first CA's), and whose replacement that CA has not refused
     * already. A CA that offers renewal information takes such an order as a replacement, exempt from
     * its rate limits; to one that does not, the name is not sent.
     */
    private boolean namesReplaced(ManagedCertificate certificate, CaRotation.Lane lane) {
        CertificateState state = certificate.state();
        return state.current() != null && !state.replacementRefusedForCurrent() && cas.issuerOf(certificate) == lane;
    }

    /**
     * Asks the CA account's queue whether {@code certificate}'s order may go now ({@code exempt}: as an
     * ARI replacement, which goes uncounted); the outcome to return when it must wait.
     */
    private Optional<Outcome> queue(ManagedCertificate certificate, CaRotation.Lane lane, boolean exempt)
            throws StorageException {
        boolean queuedBefore = pacing.place(certificate.firstName()).isPresent();
        OrderPacing.Answer answer = pacing.ask(certificate, lane.issuer().id(), exempt);
        if (answer.admitted()) {
            return Optional.empty();
        }
        if (queuedBefore) {
            LOG.debug("{}: {}", certificate, answer.sentence());
        } else {
            LOG.info("{}: {}.", certificate, capitalized(answer.sentence()));
        }
        return Optional.of(new Outcome(answer.next(), answer.sentence()));
    }

    private static String capitalized(String sentence) {
        return sentence.isEmpty() ? sentence : Character.toUpperCase(sentence.charAt(0)) + sentence.substring(1);
    }

    private Outcome healthy(ManagedCertificate certificate) throws InterruptedException {
        pacing.notWaiting(certificate);
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

    /** The strategy's checks before an order (DNS records in place, the challenge's port answering). */
    private static void preflight(ManagedCertificate certificate) throws AutoTlsException, InterruptedException {
        try {
            certificate.strategy.preflight(certificate.names);
        } catch (IOException e) {
            throw new TransientException("the check before ordering for " + certificate + " failed: " + e.getMessage(), e);
        } catch (org.shredzone.acme4j.exception.AcmeException e) {
            throw new TransientException("the check before ordering for " + certificate + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Orders, saves and serves a certificate for {@code certificate}; {@code replacement}: the order
     * names the served certificate as the one it replaces (ARI), which only the CA that issued it knows.
     *
     * @throws ReplacementRefusedException when the CA would not take it as a replacement; nothing was ordered
     */
    private void obtain(ManagedCertificate certificate, CaRotation.Lane lane, Lease lease, boolean replacement)
            throws AutoTlsException, InterruptedException, LostLeaseException {
        long started = System.nanoTime();
        CertificateFacts previous = certificate.state().current();
        Optional<X509Certificate> replacing = Optional.empty();
        try {
            if (replacement) {
                replacing = serving.leaf(certificate); // from memory, else the store
            }
        } catch (IOException e) {
            throw new StorageException("could not read the certificate of " + certificate + " that the order replaces", e);
        }
        IssuedCertificate issued;
        try {
            issued = lane.issuer().obtain(certificate.names, certificate.strategy, keyType, replacing);
        } catch (RateLimitedException e) {
            pacing.rateLimited(lane.issuer().id(), certificate.names, e); // the other new orders wait too, on every instance
            throw e;
        }
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
            certificate.update(state -> state.nowSaved(stored));
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
