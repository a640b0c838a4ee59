package dev.autotls.internal.ops;

import dev.autotls.CertificateStatus;
import dev.autotls.internal.engine.CertificateState;
import dev.autotls.internal.engine.ManagedCertificate;
import dev.autotls.internal.engine.pacing.OrderPacing;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/** Builds the public {@link CertificateStatus} snapshot from a certificate's state; reads only immutable values. */
public final class StatusView {
    private StatusView() {
    }

    /** @param served the leaf served for the certificate's first name right now (the registry's), or null */
    public static CertificateStatus of(ManagedCertificate certificate, X509Certificate served, Instant now) {
        return of(certificate, served, now, Optional.empty());
    }

    /**
     * As {@link #of(ManagedCertificate, X509Certificate, Instant)}, with where the certificate waits in its
     * CA account's order queue, if it does.
     */
    public static CertificateStatus of(ManagedCertificate certificate, X509Certificate served, Instant now,
                                       Optional<OrderPacing.Place> queued) {
        CertificateState state = certificate.state();
        CertificateStatus.Source source = state.current() == null ? CertificateStatus.Source.TEMPORARY : state.source();
        Optional<X509Certificate> leaf = Optional.ofNullable(served);
        return new StatusSnapshot(certificate.names, certificate.origins, certificate.strategy.name(), certificate.strategyReason,
                leaf.map(c -> c.getSerialNumber().toString(16)),
                leaf.map(c -> c.getIssuerX500Principal().getName()),
                leaf.map(c -> c.getNotBefore().toInstant()).orElse(now), leaf.map(c -> c.getNotAfter().toInstant()).orElse(now),
                source, Optional.ofNullable(state.last()).map(CertificateState.Attempt::at),
                Optional.ofNullable(state.last()).map(CertificateState.Attempt::outcome),
                Optional.ofNullable(state.nextAttempt()), Optional.ofNullable(state.ownerAction()), state.failures(),
                Optional.ofNullable(certificate.issuedBy()), Optional.ofNullable(state.tryingCa()),
                queued.map(place -> OptionalInt.of(place.position())).orElse(OptionalInt.empty()),
                queued.map(OrderPacing.Place::expectedStart));
    }
}
