package dev.autotls.internal.engine;

import dev.autotls.CertificateStatus;
import dev.autotls.internal.store.StoredCertificate;
import java.math.BigInteger;
import java.time.Instant;

/**
 * What one certificate's maintenance knows at one moment; immutable, replaced whole through
 * {@link ManagedCertificate#update} by the job or by the store watcher, so anything that reads
 * it (status, events, the next job) sees a consistent value without locks.
 *
 * @param current              the CA-issued certificate being served, or null while the fallback is
 * @param matchesConfiguration whether {@code current} covers every configured name; if not, it is replaced at once
 * @param saved                whether {@code current} is in the store (false after a save failed; it is saved again soon)
 * @param failures             consecutive failed jobs
 * @param ownerAction          the sentence saying what the owner must do, while only the owner can fix the last failure
 * @param source               where {@code current} came from (or {@link CertificateStatus.Source#TEMPORARY} without one)
 * @param last                 the last job: when, and its outcome as a sentence (null before the first)
 * @param nextAttempt          when the next job is scheduled (null while none is)
 * @param caAttempt            which CA the next order goes to, and since when orders there fail ({@link CaRotation})
 * @param tryingCa             the id of the issuer the next order goes to, once maintenance has looked (status)
 * @param issued               the last certificate this instance obtained in this run, and its issuer; see {@link #issuedBy()}
 * @param expiringSaidFor      the serial the expiring-soon event was told for, so it is told once
 * @param renewalAsked         an operator asked for a renewal (JMX, {@code AutoTls.renew}): the next job orders even if
 *                             nothing is due
 */
public record CertificateState(StoredCertificate current, boolean matchesConfiguration, boolean saved, int failures,
                               String ownerAction, CertificateStatus.Source source, Attempt last, Instant nextAttempt,
                               CaAttempt caAttempt, String tryingCa, Issued issued, BigInteger expiringSaidFor,
                               boolean renewalAsked) {
    static final CertificateState NONE = new CertificateState(null, false, true, 0, null,
            CertificateStatus.Source.TEMPORARY, null, null, CaAttempt.FIRST, null, null, null, false);

    /** One finished job. */
    public record Attempt(Instant at, String outcome) {
    }

    /** A certificate this instance obtained, and the id of the issuer that issued it. */
    public record Issued(StoredCertificate certificate, String issuer) {
    }

    /**
     * The issuer of the served certificate, when this instance obtained it in this run (status,
     * ARI); null for one read from the store (another instance's, or from before a restart).
     */
    public String issuedBy() {
        return issued != null && issued.certificate() == current ? issued.issuer() : null;
    }

    CertificateState serving(StoredCertificate certificate, boolean matches, boolean isSaved, CertificateStatus.Source from) {
        return new CertificateState(certificate, matches, isSaved, failures, ownerAction, from, last, nextAttempt,
                caAttempt, tryingCa, issued, expiringSaidFor, renewalAsked);
    }

    CertificateState succeeded() {
        return failures == 0 && ownerAction == null ? this
                : new CertificateState(current, matchesConfiguration, saved, 0, null, source, last, nextAttempt,
                        caAttempt, tryingCa, issued, expiringSaidFor, renewalAsked);
    }

    CertificateState failed(String ownerActionSentence) {
        return new CertificateState(current, matchesConfiguration, saved, failures + 1, ownerActionSentence, source, last,
                nextAttempt, caAttempt, tryingCa, issued, expiringSaidFor, renewalAsked);
    }

    CertificateState attempted(Instant at, String outcome, Instant next) {
        return new CertificateState(current, matchesConfiguration, saved, failures, ownerAction, source, new Attempt(at, outcome),
                next, caAttempt, tryingCa, issued, expiringSaidFor, renewalAsked);
    }

    /** The next job is planned at {@code next} (before the first job of a run: from the look the store keeps). */
    CertificateState planned(Instant next) {
        return new CertificateState(current, matchesConfiguration, saved, failures, ownerAction, source, last, next,
                caAttempt, tryingCa, issued, expiringSaidFor, renewalAsked);
    }

    /** Orders go to {@code attempt}'s CA, {@code trying} by id. */
    CertificateState routed(CaAttempt attempt, String trying) {
        return new CertificateState(current, matchesConfiguration, saved, failures, ownerAction, source, last, nextAttempt,
                attempt, trying, issued, expiringSaidFor, renewalAsked);
    }

    /** This instance obtained {@code obtained}; the operator's request, if any, is met. */
    CertificateState obtained(Issued obtained, CaAttempt attempt, String trying) {
        return new CertificateState(current, matchesConfiguration, saved, failures, ownerAction, source, last, nextAttempt,
                attempt, trying, obtained, expiringSaidFor, false);
    }

    CertificateState expiringSaid(BigInteger serial) {
        return new CertificateState(current, matchesConfiguration, saved, failures, ownerAction, source, last, nextAttempt,
                caAttempt, tryingCa, issued, serial, renewalAsked);
    }

    CertificateState askRenewal() {
        return new CertificateState(current, matchesConfiguration, saved, failures, ownerAction, source, last, nextAttempt,
                caAttempt, tryingCa, issued, expiringSaidFor, true);
    }

    /** Whether {@code stored} should replace what is served: nothing is, or it lasts longer, or it is a newer issue. */
    boolean isOlderThan(StoredCertificate stored) {
        if (current == null) {
            return true;
        }
        if (current.leaf().getSerialNumber().equals(stored.leaf().getSerialNumber())) {
            return false;
        }
        return stored.notAfter().isAfter(current.notAfter())
                || (stored.notAfter().equals(current.notAfter()) && stored.issuedAt().isAfter(current.issuedAt()));
    }
}
