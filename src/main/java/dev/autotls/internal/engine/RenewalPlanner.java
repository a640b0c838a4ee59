package dev.autotls.internal.engine;

import dev.autotls.internal.acme.AcmeClient;
import dev.autotls.internal.store.StoredCertificate;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.TransientException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a served certificate is renewed: the {@link RenewalPolicy}'s plan, with the renewal
 * window (ARI) of the CA that issued it where that CA offers one. A CA that cannot answer for its
 * window costs an earlier look, never a renewal; one that fails as a whole opens its circuit.
 */
final class RenewalPlanner {
    private static final Logger LOG = LoggerFactory.getLogger(RenewalPlanner.class);
    /** When the CA's renewal window cannot be read, look again this soon rather than after hours. */
    private static final Duration ARI_UNAVAILABLE_RECHECK = Duration.ofHours(1);

    private final RenewalPolicy policy;
    private final CaRotation cas;
    private final FailurePolicy failures;

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
                Optional<AcmeClient.RenewalWindow> ari = issuer.client().renewalWindow(certificate.leaf());
                if (ari.isPresent()) {
                    window = Optional.of(new RenewalPolicy.Window(ari.get().start(), ari.get().end()));
                    askAgain = ari.get().askAgainAt();
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
}
