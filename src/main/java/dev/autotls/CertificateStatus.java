package dev.autotls;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One certificate as maintenance sees it at one moment: an immutable snapshot, so reading it
 * never blocks maintenance or a handshake. {@link AutoTls#status()} gives one per configured
 * certificate.
 *
 * @param names          the configured names it covers
 * @param strategy       the validation strategy ({@code http-01}, {@code dns-persist-01}, {@code acme-dns}, {@code auto})
 * @param strategyReason why that strategy, in words
 * @param serial         the served certificate's serial (hex), empty while the temporary one is served
 * @param issuer         its issuer's distinguished name, empty likewise
 * @param notBefore      start of validity of what is served
 * @param notAfter       end of validity of what is served
 * @param source         where the served certificate came from
 * @param lastAttempt    when maintenance last looked at it, if it has
 * @param lastOutcome    what that look found or did, in one sentence
 * @param nextAttempt    when it looks next, if scheduled
 * @param ownerAction    what the owner must do, while only the owner can fix it
 * @param failures       consecutive failed attempts
 * @param issuedBy       the directory URL of the CA that issued what is served, when it was issued in this run
 * @param tryingCa       the directory URL of the CA the next order goes to ({@code autotls.ca}'s first unless it
 *                       has been failing for this certificate), once maintenance has looked
 */
public record CertificateStatus(List<String> names, String strategy, String strategyReason, Optional<String> serial,
                                Optional<String> issuer, Instant notBefore, Instant notAfter, Source source,
                                Optional<Instant> lastAttempt, Optional<String> lastOutcome, Optional<Instant> nextAttempt,
                                Optional<String> ownerAction, int failures, Optional<String> issuedBy,
                                Optional<String> tryingCa) {

    /** Where a served certificate came from. */
    public enum Source {
        /** Issued by the CA to this instance, in this run. */
        CA,
        /** Read from the store: from an earlier run, or stored by another instance. */
        STORED,
        /** The short-lived self-signed fallback, served until the CA's certificate arrives. */
        TEMPORARY
    }

    public CertificateStatus {
        names = List.copyOf(names);
    }

    /** Whether owner action is needed. */
    public boolean ownerActionNeeded() {
        return ownerAction.isPresent();
    }

    static String hex(BigInteger serial) {
        return serial.toString(16);
    }
}
