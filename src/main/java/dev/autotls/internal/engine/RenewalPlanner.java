package dev.autotls.internal.engine;

import dev.autotls.internal.acme.RenewalWindow;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.TransientException;
import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a served certificate is renewed: the {@link RenewalPolicy}'s plan, with the renewal
 * window (ARI) of the CA that issued it where that CA offers one. A CA that cannot answer for its
 * window costs an earlier look, never a renewal; one that fails as a whole opens its circuit.
 *
 * <p>Each certificate's window is fetched once and kept until the answer's Retry-After (or
 * {@link #KEEP_WITHOUT_RETRY_AFTER} when it gave none), so the several plans one look makes, and
 * the looks in between, cost the CA one request.
 */
final class RenewalPlanner {
    private static final Logger LOG = LoggerFactory.getLogger(RenewalPlanner.class);
    /** When the CA's renewal window cannot be read, look again this soon rather than after hours. */
    private static final Duration ARI_UNAVAILABLE_RECHECK = Duration.ofHours(1);
    /** How long a window is kept when the CA's answer named no Retry-After. */
    static final Duration KEEP_WITHOUT_RETRY_AFTER = Duration.ofHours(1);

    private final RenewalPolicy policy;
    private final CaRotation cas;
    private final FailurePolicy failures;
    /** The served certificate itself, which the CA's window is asked for (the state holds its facts only). */
    private final ServedLeaf leaves;
    /** Per certificate (its first name): the window last fetched, or the failure to fetch it, until when it holds. */
    private final Map<String, Fetched> fetched = new ConcurrentHashMap<>();

    /** What the issuer said about one certificate's window (nothing when {@code window} is empty), and when to ask again. */
    private record Fetched(BigInteger serial, String issuer, Optional<RenewalWindow> window, Instant keepUntil,
                           Optional<Instant> askAgain) {
        boolean holds(BigInteger leaf, String id, Instant now) {
            return serial.equals(leaf) && issuer.equals(id) && now.isBefore(keepUntil);
        }
    }

    /** Reads the leaf of what a certificate serves: from memory where it is, else from the store. */
    @FunctionalInterface
    interface ServedLeaf {
        /** Empty when it serves none, or the store holds another by now. */
        Optional<X509Certificate> of(ManagedCertificate certificate) throws IOException;
    }

    RenewalPlanner(RenewalPolicy policy, CaRotation cas, FailurePolicy failures, ServedLeaf leaves) {
        this.policy = policy;
        this.cas = cas;
        this.failures = failures;
        this.leaves = leaves;
    }

    RenewalPolicy.Plan plan(ManagedCertificate managed, CertificateFacts certificate, Instant now)
            throws InterruptedException {
        Optional<RenewalPolicy.Window> window = Optional.empty();
        Optional<Instant> askAgain = Optional.empty();
        if (now.isBefore(certificate.notAfter())) { // an expired certificate is renewed now: no window to ask for
            Fetched ari = window(managed, certificate, cas.issuerOf(managed), now);
            window = ari.window().map(w -> new RenewalPolicy.Window(w.start(), w.end()));
            askAgain = ari.askAgain();
        }
        return policy.plan(certificate.notBefore(), certificate.notAfter(), certificate.issuedAt(), window, askAgain, now);
    }

    /**
     * What is kept for this certificate, or a fresh answer from its issuer when nothing is kept
     * or it has lapsed. A failure is kept too, until its own ask-again time, so the several plans
     * of one look neither ask again nor count one CA failure several times.
     */
    private Fetched window(ManagedCertificate managed, CertificateFacts certificate, CaRotation.Lane issuer, Instant now)
            throws InterruptedException {
        BigInteger serial = certificate.serial();
        String id = issuer.issuer().id();
        Fetched kept = fetched.get(managed.firstName());
        if (kept != null && kept.holds(serial, id, now)) {
            return kept;
        }
        Fetched fresh;
        Optional<X509Certificate> leaf;
        try {
            leaf = leaves.of(managed);
        } catch (IOException e) {
            leaf = Optional.empty();
            LOG.debug("could not read the served certificate of {} to ask for its renewal window: {}", managed, e.toString());
        }
        if (leaf.isEmpty() || !leaf.get().getSerialNumber().equals(serial)) { // not kept: asked again at the next plan
            Instant again = now.plus(ARI_UNAVAILABLE_RECHECK);
            return new Fetched(serial, id, Optional.empty(), now, Optional.of(again));
        }
        try {
            Optional<RenewalWindow> answer = issuer.issuer().renewalWindow(leaf.get());
            Optional<Instant> retryAfter = answer.flatMap(RenewalWindow::askAgainAt);
            fresh = new Fetched(serial, id, answer, retryAfter.orElse(now.plus(KEEP_WITHOUT_RETRY_AFTER)), retryAfter);
        } catch (TransientException e) {
            LOG.debug("could not read the CA's renewal window for {}: {}", managed, e.getMessage());
            Instant again = e.caWide() ? failures.caFailed(issuer, e) : e.retryAfter().orElse(now.plus(ARI_UNAVAILABLE_RECHECK));
            fresh = new Fetched(serial, id, Optional.empty(), again, Optional.of(again));
        } catch (AutoTlsException e) {
            LOG.debug("could not read the CA's renewal window for {}: {}", managed, e.getMessage());
            Instant again = now.plus(ARI_UNAVAILABLE_RECHECK);
            fresh = new Fetched(serial, id, Optional.empty(), again, Optional.of(again));
        }
        fetched.put(managed.firstName(), fresh);
        return fresh;
    }
}
