package dev.autotls.internal.engine;

import dev.autotls.CertificateStatus;
import dev.autotls.internal.store.StoredCertificate;

/**
 * What one certificate's maintenance knows at one moment; immutable, replaced whole by the
 * job (once per run) or by the store watcher, so anything that reads it (status, events)
 * sees a consistent value without locks.
 *
 * @param current              the CA-issued certificate being served, or null while the fallback is
 * @param matchesConfiguration whether {@code current} covers every configured name; if not, it is replaced at once
 * @param saved                whether {@code current} is in the store (false after a save failed; it is saved again soon)
 * @param failures             consecutive failed jobs
 * @param ownerAction          the sentence saying what the owner must do, while only the owner can fix the last failure
 * @param source               where {@code current} came from (or {@link CertificateStatus.Source#TEMPORARY} without one)
 * @param last                 the last job: when, and its outcome as a sentence (null before the first)
 * @param nextAttempt          when the next job is scheduled (null while none is)
 */
public record CertificateState(StoredCertificate current, boolean matchesConfiguration, boolean saved, int failures,
                        String ownerAction, CertificateStatus.Source source, Attempt last, java.time.Instant nextAttempt) {
    static final CertificateState NONE = new CertificateState(null, false, true, 0, null,
            CertificateStatus.Source.TEMPORARY, null, null);

    /** One finished job. */
    public record Attempt(java.time.Instant at, String outcome) {
    }

    CertificateState serving(StoredCertificate certificate, boolean matches, boolean isSaved, CertificateStatus.Source from) {
        return new CertificateState(certificate, matches, isSaved, failures, ownerAction, from, last, nextAttempt);
    }

    CertificateState succeeded() {
        return failures == 0 && ownerAction == null ? this
                : new CertificateState(current, matchesConfiguration, saved, 0, null, source, last, nextAttempt);
    }

    CertificateState failed(String ownerActionSentence) {
        return new CertificateState(current, matchesConfiguration, saved, failures + 1, ownerActionSentence, source, last,
                nextAttempt);
    }

    CertificateState attempted(java.time.Instant at, String outcome, java.time.Instant next) {
        return new CertificateState(current, matchesConfiguration, saved, failures, ownerAction, source, new Attempt(at, outcome),
                next);
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
