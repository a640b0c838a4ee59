package dev.autotls.internal.engine;

import dev.autotls.CertificateStatus;
import dev.autotls.internal.acme.ChallengeStrategy;
import dev.autotls.internal.store.StoredCertificate;
import dev.autotls.internal.tls.AlternativeNames;
import dev.autotls.internal.tls.CertificateRegistry;
import dev.autotls.internal.tls.CertifiedKey;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * One certificate under maintenance (one base name and its wildcard, or one name): its
 * names, its strategy, and its {@link CertificateState}, swapped whole.
 */
public final class ManagedCertificate {
    public final List<String> names;
    /** Where each name came from, in the order of {@link #names} (status, metrics). */
    public final Map<String, CertificateStatus.Origin> origins;
    public final ChallengeStrategy strategy;
    /** Why this strategy, in words (status). */
    public final String strategyReason;
    private final AtomicReference<CertificateState> state = new AtomicReference<>(CertificateState.NONE);
    /** No longer managed: nothing serves it again (guarded by this object's lock, as serving is). */
    private boolean retired;

    /** A certificate of configured names. */
    ManagedCertificate(List<String> names, ChallengeStrategy strategy, String strategyReason) {
        this(names, name -> CertificateStatus.Origin.CONFIGURED, strategy, strategyReason);
    }

    /** A certificate whose names came from where {@code origin} says. */
    ManagedCertificate(List<String> names, Function<String, CertificateStatus.Origin> origin, ChallengeStrategy strategy,
                       String strategyReason) {
        this.names = List.copyOf(names);
        if (this.names.size() == 1) { // most certificates: a map of one entry, a tenth of an ordered one's size
            this.origins = Map.of(this.names.get(0), origin.apply(this.names.get(0)));
        } else {
            Map<String, CertificateStatus.Origin> origins = new LinkedHashMap<>();
            for (String name : this.names) {
                origins.put(name, origin.apply(name));
            }
            this.origins = Collections.unmodifiableMap(origins);
        }
        this.strategy = strategy;
        this.strategyReason = strategyReason;
    }

    /** {@link CertificateState#issuedBy()} of the current state. */
    public String issuedBy() {
        return state().issuedBy();
    }

    public String firstName() {
        return names.get(0);
    }

    public CertificateState state() {
        return state.get();
    }

    /** The one way the state changes: {@code change} applied atomically to the current value. */
    CertificateState update(UnaryOperator<CertificateState> change) {
        return state.updateAndGet(change);
    }

    /**
     * Serves its names from the registry's cache from now on, read from the store when a handshake
     * asks for one (nothing is read now); not once retired.
     */
    synchronized void serveFromStore(CertificateRegistry registry) {
        if (!retired) {
            registry.manage(firstName(), names);
        }
    }

    /**
     * Serves {@code certificate} at once (one just obtained, or one only memory holds) and records its
     * facts as current, together: the job, the store watcher and loads for handshakes may all serve,
     * and the registry must end with the one the state names.
     */
    synchronized void serve(StoredCertificate certificate, boolean matches, boolean saved, CertificateStatus.Source source,
                            CertificateRegistry registry) {
        if (retired) {
            return;
        }
        state.updateAndGet(current -> current.serving(certificate, matches, saved, source));
        registry.manage(firstName(), names); // as at start, should it be served before the engine started
        registry.serve(firstName(), entryOf(certificate));
    }

    /**
     * Records {@code certificate} (read from the store) as current if it is newer than the served one, and
     * replaces the registry's entry with it where memory holds one (otherwise the next handshake reads
     * it); whether it was newer.
     */
    synchronized boolean serveIfNewer(StoredCertificate certificate, boolean matches, CertificateRegistry registry) {
        if (!learn(certificate, matches)) {
            return false;
        }
        registry.refresh(firstName(), entryOf(certificate));
        return true;
    }

    /**
     * Records the facts of {@code certificate}, read from the store for a handshake, as current if it is
     * newer than what the state names (the caller serves it); whether it was.
     */
    synchronized boolean learn(StoredCertificate certificate, boolean matches) {
        if (retired || !state.get().isOlderThan(certificate)) {
            return false;
        }
        state.updateAndGet(current -> current.serving(certificate, matches, true, CertificateStatus.Source.STORED));
        return true;
    }

    /**
     * Records what {@code facts} describe (the metadata of a certificate in the store) as current if it is
     * newer than what the state names; whether it was.
     */
    synchronized boolean learn(CertificateFacts facts, boolean matches) {
        if (retired || !state.get().isOlderThan(facts)) {
            return false;
        }
        state.updateAndGet(current -> current.serving(facts, matches));
        return true;
    }

    /** The entry handshakes get for {@code certificate}: under this certificate's names, first name first. */
    CertifiedKey entryOf(StoredCertificate certificate) {
        return new CertifiedKey(names, certificate.chain(), certificate.keyPair().getPrivate(), false);
    }

    /** Takes it out of service for good: its names are withdrawn, and a job or a store look still running cannot serve it. */
    synchronized void retire(CertificateRegistry registry) {
        retired = true;
        registry.withdraw(names);
    }

    @Override
    public String toString() {
        return String.join(", ", names);
    }

    /** Whether the certificate's names (DNS names and IP addresses) include every configured name. */
    static boolean covers(X509Certificate certificate, Collection<String> names) {
        return AlternativeNames.in(certificate).containsAll(names);
    }
}
