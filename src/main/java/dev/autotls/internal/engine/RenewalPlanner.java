package dev.autotls.internal.engine;

import dev.autotls.internal.acme.RenewalWindow;
import dev.autotls.internal.store.StoredCertificate;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.TransientException;
import java.math.BigInteger;
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
    /** Per certificate (its first name): the window last fetched, for which serial, and until when it holds. */
    private final Map<String, Fetched> fetched = new ConcurrentHashMap<>();

    private record Fetched(BigInteger serial, String issuer, Optional<RenewalWindow> window, Instant keepUntil) {
    }

    RenewalPlanner(RenewalPolicy policy, CaRotation cas, FailurePolicy failures) {
        this.policy = policy;
        this.cas = cas;
        this.failures = failures;
    }

    RenewalPolicy.Plan plan(ManagedCertificate managed, StoredCertificate certificate, Instant now)
            throws InterruptedException {
        Optional<RenewalPolicy.Window> window = Optional.empty();
        Optional<Instant> askAgain = Optional.empty();
        if (now.isBefore(certificate.notAfter())) { // an expired certificate is renewed now: no window to ask for
            CaRotation.Lane issuer = cas.issuerOf(managed);
            try {
                Fetched ari = window(managed, certificate, issuer, now);
                if (ari.window().isPresent()) {
                    window = Optional.of(new RenewalPolicy.Window(ari.window().get().start(), ari.window().get().end()));
                    askAgain = ari.window().get().askAgainAt();
                }
            } catch (TransientException e) {
                LOG.debug("could not read the CA's renewal window for {}: {}", certificate.names(), e.getMessage());
                askAgain = Optional.of(e.caWide() ? failures.caFailed(issuer, e)
                        : e.retryAfter().orElse(now.plus(ARI_UNAVAILABLE_RECHECK)));
            } catch (AutoTlsException e) {
                LOG.debug("could not read the CA's renewal window for {}: {}", certificate.names(), e.getMessage());
                askAgain = Optional.of(now.plus(ARI_UNAVAILABLE_RECHECK));
            }
        }
        return policy.plan(certificate.notBefore(), certificate.notAfter(), certificate.issuedAt(), window, askAgain, now);
    }

    /** The window kept for this certificate, or a fresh one from its issuer when none is kept or it has lapsed. */
    private Fetched window(ManagedCertificate managed, StoredCertificate certificate, CaRotation.Lane issuer, Instant now)
            throws AutoTlsException, InterruptedException {
        BigInteger serial = certificate.leaf().getSerialNumber();
        Fetched kept = fetched.get(managed.firstName());
        if (kept != null && kept.serial().equals(serial) && kept.issuer().equals(issuer.issuer().id())
                && now.isBefore(kept.keepUntil())) {
            return kept;
        }
        Optional<RenewalWindow> answer = issuer.issuer().renewalWindow(certificate.leaf());
        Instant keepUntil = answer.flatMap(RenewalWindow::askAgainAt).orElse(now.plus(KEEP_WITHOUT_RETRY_AFTER));
        Fetched fresh = new Fetched(serial, issuer.issuer().id(), answer, keepUntil);
        fetched.put(managed.firstName(), fresh);
        return fresh;
    }
}
