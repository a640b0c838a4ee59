package dev.autotls.internal.engine;

import dev.autotls.CertificateStatus;
import dev.autotls.internal.store.StoredCertificate;
import java.math.BigInteger;
import java.time.Instant;

/**
 * What one certificate's maintenance knows at one moment; immutable, replaced whole through
 * {@link ManagedCertificate#update} by the job, the store watcher or a load for a handshake, so
 * anything that reads it (status, events, the next job) sees a consistent value without locks. It
 * holds the facts of the served certificate, not its key and chain ({@link CertificateFacts}),
 * except while a certificate is in memory only ({@link #unsaved}).
 *
 * @param current              the facts of the CA-issued certificate being served, or null while a temporary one is (or
 *                             while the store has not been read: see {@code stored})
 * @param matchesConfiguration whether {@code current} covers every configured name; if not, it is replaced at once
 * @param unsaved              the certificate {@code current} describes while it is in memory only (a save failed; it
 *                             is saved again soon), else null: once stored it is read from the store when needed
 * @param stored               how much of the store's copy is known: {@code current} is null until it is read
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
 * @param storedUntil          the expiry kept with the certificate's next look in the store, read at start before the
 *                             certificate itself is (lazy facts): status and health report the stored certificate by it
 *                             instead of as temporary; null when not known. Meaningful only while {@link #storedNotRead()}
 * @param replacementRefused   the serial of a certificate the CA would not take a renewal's order as the replacement of
 *                             (ARI's {@code replaces}): while it is served, its renewal goes as a new order, counted and
 *                             queued, instead of asking the CA the refused question again; null when none was refused
 */
public record CertificateState(CertificateFacts current, boolean matchesConfiguration, StoredCertificate unsaved,
                               Stored stored, int failures, String ownerAction, CertificateStatus.Source source, Attempt last,
                               Instant nextAttempt, CaAttempt caAttempt, String tryingCa, Issued issued,
                               BigInteger expiringSaidFor, boolean renewalAsked, Instant storedUntil,
                               BigInteger replacementRefused) {
    static final CertificateState NONE = new CertificateState(null, false, null, Stored.UNKNOWN, 0, null,
            CertificateStatus.Source.TEMPORARY, null, null, CaAttempt.FIRST, null, null, null, false, null, null);

    /** How much this instance knows of what the store holds for the certificate. */
    public enum Stored {
        /** Nothing yet: not read since start (handshakes and the first look read it). */
        UNKNOWN,
        /** The store's list of certificates names it, but it was not read yet: probably one to serve. */
        LISTED,
        /** Read (or listed as absent): {@code current} holds the facts of its usable certificate, null when it holds none. */
        READ
    }

    /** One finished job. */
    public record Attempt(Instant at, String outcome) {
    }

    /** A certificate this instance obtained (its serial), and the id of the issuer that issued it. */
    public record Issued(BigInteger serial, String issuer) {
        /** {@code certificate}, obtained from {@code issuer}. */
        public Issued(StoredCertificate certificate, String issuer) {
            this(certificate.leaf().getSerialNumber(), issuer);
        }
    }

    /**
     * Whether the store holds a certificate this instance has not read yet but knows the expiry of
     * ({@link #storedUntil}): after a restart, until a handshake or its first look reads it. It is
     * served from the store when asked for, so it is not the temporary certificate.
     */
    public boolean storedNotRead() {
        return current == null && unsaved == null && stored != Stored.READ && storedUntil != null;
    }

    /** The store's next look says its certificate expires at {@code expires}: known until the certificate is read. */
    CertificateState keptUntil(Instant expires) {
        return stored == Stored.READ || current != null ? this
                : new CertificateState(current, matchesConfiguration, unsaved, stored, failures, ownerAction, source, last,
                        nextAttempt, caAttempt, tryingCa, issued, expiringSaidFor, renewalAsked, expires, replacementRefused);
    }

    /** Whether {@code current} is in the store (false after a save failed, until it is saved). */
    public boolean saved() {
        return unsaved == null;
    }

    /**
     * The issuer of the served certificate, when this instance obtained it in this run (status,
     * ARI); null for one read from the store (another instance's, or from before a restart).
     */
    public String issuedBy() {
        return issued != null && current != null && issued.serial().equals(current.serial()) ? issued.issuer() : null;
    }

    /** Serves what {@code facts} describe, read from the store (its metadata): saved, and not in memory. */
    CertificateState serving(CertificateFacts facts, boolean matches) {
        return new CertificateState(facts, matches, null, Stored.READ, failures, ownerAction, CertificateStatus.Source.STORED,
                last, nextAttempt, caAttempt, tryingCa, issued, expiringSaidFor, renewalAsked, storedUntil, replacementRefused);
    }

    /** What the store holds cannot be served (corrupt): nothing the CA issued is served, so it is ordered anew. */
    CertificateState unusable() {
        return unsaved != null ? this
                : new CertificateState(null, false, null, Stored.READ, failures, ownerAction, CertificateStatus.Source.TEMPORARY,
                        last, nextAttempt, caAttempt, tryingCa, issued, expiringSaidFor, renewalAsked, storedUntil,
                        replacementRefused);
    }

    /** Serves {@code certificate}: its facts, and the certificate itself only while it is not saved. */
    CertificateState serving(StoredCertificate certificate, boolean matches, boolean isSaved, CertificateStatus.Source from) {
        return new CertificateState(CertificateFacts.of(certificate), matches, isSaved ? null : certificate, Stored.READ,
                failures, ownerAction, from, last, nextAttempt, caAttempt, tryingCa, issued, expiringSaidFor,
                renewalAsked, storedUntil, replacementRefused);
    }

    /** {@code certificate}, in memory only so far, is stored now: from here on it is read from the store when needed. */
    CertificateState nowSaved(StoredCertificate certificate) {
        return unsaved != certificate ? this
                : new CertificateState(current, matchesConfiguration, null, stored, failures, ownerAction, source, last,
                        nextAttempt, caAttempt, tryingCa, issued, expiringSaidFor, renewalAsked, storedUntil, replacementRefused);
    }

    /** The store holds nothing that can be served (read, or listed as absent); what memory serves stays. */
    CertificateState nothingStored() {
        return stored == Stored.READ ? this
                : new CertificateState(current, matchesConfiguration, unsaved, Stored.READ, failures, ownerAction, source, last,
                        nextAttempt, caAttempt, tryingCa, issued, expiringSaidFor, renewalAsked, storedUntil, replacementRefused);
    }

    /** What the store's list of certificates says, before anything was read: it names this one or not. */
    CertificateState listed(boolean present) {
        if (stored != Stored.UNKNOWN) {
            return this;
        }
        return present ? new CertificateState(current, matchesConfiguration, unsaved, Stored.LISTED, failures, ownerAction,
                source, last, nextAttempt, caAttempt, tryingCa, issued, expiringSaidFor, renewalAsked, storedUntil,
                replacementRefused)
                : nothingStored();
    }

    CertificateState succeeded() {
        return failures == 0 && ownerAction == null ? this
                : new CertificateState(current, matchesConfiguration, unsaved, stored, 0, null, source, last, nextAttempt,
                        caAttempt, tryingCa, issued, expiringSaidFor, renewalAsked, storedUntil, replacementRefused);
    }

    CertificateState failed(String ownerActionSentence) {
        return new CertificateState(current, matchesConfiguration, unsaved, stored, failures + 1, ownerActionSentence, source,
                last, nextAttempt, caAttempt, tryingCa, issued, expiringSaidFor, renewalAsked, storedUntil, replacementRefused);
    }

    CertificateState attempted(Instant at, String outcome, Instant next) {
        return new CertificateState(current, matchesConfiguration, unsaved, stored, failures, ownerAction, source,
                new Attempt(at, outcome), next, caAttempt, tryingCa, issued, expiringSaidFor, renewalAsked,
                storedUntil, replacementRefused);
    }

    /** The next job is planned at {@code next} (before the first job of a run: from the look the store keeps). */
    CertificateState planned(Instant next) {
        return new CertificateState(current, matchesConfiguration, unsaved, stored, failures, ownerAction, source, last, next,
                caAttempt, tryingCa, issued, expiringSaidFor, renewalAsked, storedUntil, replacementRefused);
    }

    /** Orders go to {@code attempt}'s CA, {@code trying} by id. */
    CertificateState routed(CaAttempt attempt, String trying) {
        return new CertificateState(current, matchesConfiguration, unsaved, stored, failures, ownerAction, source, last,
                nextAttempt, attempt, trying, issued, expiringSaidFor, renewalAsked, storedUntil, replacementRefused);
    }

    /** This instance obtained {@code obtained}; the operator's request, if any, is met. */
    CertificateState obtained(Issued obtained, CaAttempt attempt, String trying) {
        return new CertificateState(current, matchesConfiguration, unsaved, stored, failures, ownerAction, source, last,
                nextAttempt, attempt, trying, obtained, expiringSaidFor, false, storedUntil, replacementRefused);
    }

    CertificateState expiringSaid(BigInteger serial) {
        return new CertificateState(current, matchesConfiguration, unsaved, stored, failures, ownerAction, source, last,
                nextAttempt, caAttempt, tryingCa, issued, serial, renewalAsked, storedUntil, replacementRefused);
    }

    /** The CA refused to take a renewal as the replacement of the certificate {@code serial}. */
    CertificateState replacementRefused(BigInteger serial) {
        return new CertificateState(current, matchesConfiguration, unsaved, stored, failures, ownerAction, source, last,
                nextAttempt, caAttempt, tryingCa, issued, expiringSaidFor, renewalAsked, storedUntil, serial);
    }

    /** Whether the CA refused to take a renewal as the replacement of the served certificate. */
    boolean replacementRefusedForCurrent() {
        return current != null && current.serial().equals(replacementRefused);
    }

    CertificateState askRenewal() {
        return new CertificateState(current, matchesConfiguration, unsaved, stored, failures, ownerAction, source, last,
                nextAttempt, caAttempt, tryingCa, issued, expiringSaidFor, true, storedUntil, replacementRefused);
    }

    /** Whether {@code stored} should replace what is served: nothing is, or it lasts longer, or it is a newer issue. */
    boolean isOlderThan(StoredCertificate candidate) {
        return isOlderThan(CertificateFacts.of(candidate));
    }

    /** {@link #isOlderThan(StoredCertificate)} for what {@code candidate} describes. */
    boolean isOlderThan(CertificateFacts candidate) {
        if (current == null) {
            return true;
        }
        if (current.serial().equals(candidate.serial())) {
            return false;
        }
        return candidate.notAfter().isAfter(current.notAfter())
                || (candidate.notAfter().equals(current.notAfter()) && candidate.issuedAt().isAfter(current.issuedAt()));
    }
}
