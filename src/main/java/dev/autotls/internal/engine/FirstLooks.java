package dev.autotls.internal.engine;

import dev.autotls.spi.CertificateStore.NextLook;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When a certificate is first looked at after a start, or after it was added while running: the
 * {@link CertificateManager}'s rule, kept apart because it depends only on the certificate, the
 * look the store keeps, and the time, not on the manager's set or jobs.
 */
final class FirstLooks {
    /** Spreads the first looks after a start; the same source as the back-offs' jitter. Thread-safe. */
    private final RandomGenerator random;

    FirstLooks(RandomGenerator random) {
        this.random = random;
    }

    /**
     * At once for a certificate that needs an order (unless the store keeps a back-off after
     * failing to obtain it), whose names changed, or that an operator asked to renew; else at the
     * look the store keeps; else (stored by a version that kept none, or added while running) at once
     * in its last third, otherwise spread over {@link CertificateManager#START_SPREAD}, so a restart
     * with many healthy certificates does not send the CA a burst of renewal-window requests.
     */
    Instant at(ManagedCertificate certificate, Optional<NextLook> kept, Instant now) {
        CertificateState state = certificate.state();
        CertificateFacts current = state.current();
        if (current == null) {
            // its facts are read by its first look (or a handshake's load): the look the store keeps says when that is due,
            // a stored certificate's next look or a failure's back-off; none kept: a new name, or one stored by an older version
            return kept.map(NextLook::at).orElse(now);
        }
        if (!state.matchesConfiguration() || state.renewalAsked()) {
            return now;
        }
        if (kept.isPresent()) {
            return kept.get().at();
        }
        Duration lifetime = Duration.between(current.notBefore(), current.notAfter());
        if (now.isAfter(current.notAfter().minus(lifetime.dividedBy(3)))) {
            return now;
        }
        return now.plusMillis(random.nextLong(CertificateManager.START_SPREAD.toMillis()));
    }
}
