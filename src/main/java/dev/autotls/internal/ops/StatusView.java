package dev.autotls.internal.ops;

import dev.autotls.CertificateStatus;
import dev.autotls.internal.engine.CertificateFacts;
import dev.autotls.internal.engine.CertificateState;
import dev.autotls.internal.engine.ManagedCertificate;
import dev.autotls.internal.engine.pacing.OrderPacing;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Builds the public {@link CertificateStatus} snapshot from a certificate's state, from the facts
 * it keeps of the served certificate (never the decoded certificate, which memory may not hold);
 * reads only immutable values.
 */
public final class StatusView {
    private StatusView() {
    }

    /** What {@code certificate} serves and does now; validity {@code now} while no CA certificate is known to be served
     * (a stored one not read yet: until the expiry kept with its next look). */
    public static CertificateStatus of(ManagedCertificate certificate, Instant now) {
        return of(certificate, now, Optional.empty());
    }

    /** As {@link #of(ManagedCertificate, Instant)}, with where the certificate waits in its CA account's order queue, if it does. */
    public static CertificateStatus of(ManagedCertificate certificate, Instant now, Optional<OrderPacing.Place> queued) {
        CertificateState state = certificate.state();
        Optional<CertificateFacts> served = Optional.ofNullable(state.current());
        CertificateStatus.Source source;
        Instant notBefore;
        Instant notAfter;
        if (state.storedNotRead()) {
            // not read since start (lazy facts): the store's certificate is served when asked for, valid until the expiry
            // kept with its next look; when it was issued is not known without reading it, so "now" or its expiry
            source = CertificateStatus.Source.STORED;
            notAfter = state.storedUntil();
            notBefore = notAfter.isBefore(now) ? notAfter : now;
        } else {
            source = state.current() == null ? CertificateStatus.Source.TEMPORARY : state.source();
            notBefore = served.map(CertificateFacts::notBefore).orElse(now);
            notAfter = served.map(CertificateFacts::notAfter).orElse(now);
        }
        return new StatusSnapshot(certificate.names, certificate.origins, certificate.strategy.name(), certificate.strategyReason,
                served.map(c -> c.serial().toString(16)), served.map(CertificateFacts::issuer), notBefore, notAfter,
                source, Optional.ofNullable(state.last()).map(CertificateState.Attempt::at),
                Optional.ofNullable(state.last()).map(CertificateState.Attempt::outcome),
                Optional.ofNullable(state.nextAttempt()), Optional.ofNullable(state.ownerAction()), state.failures(),
                Optional.ofNullable(certificate.issuedBy()), Optional.ofNullable(state.tryingCa()),
                queued.map(place -> OptionalInt.of(place.position())).orElse(OptionalInt.empty()),
                queued.map(OrderPacing.Place::expectedStart));
    }
}
