package dev.autotls;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One certificate as maintenance sees it at one moment: an immutable snapshot, so reading it
 * never blocks maintenance or a handshake. {@link AutoTls#status()} gives one per managed
 * certificate.
 *
 * <p>An interface that autotls implements and applications only read: accessors may be added
 * in later versions, so do not implement it.
 */
public interface CertificateStatus {

    /** Where a served certificate came from. */
    enum Source {
        /** Issued by the CA to this instance, in this run. */
        CA,
        /** Read from the store: from an earlier run, or stored by another instance. */
        STORED,
        /** The short-lived self-signed fallback, served until the CA's certificate arrives. */
        TEMPORARY
    }

    /** Why a name is managed. */
    enum Origin {
        /** Named in {@code autotls.domains} (or the builder's {@code domains}): managed for as long as it is configured. */
        CONFIGURED,
        /** Added at run time with {@link AutoTls#manage}, on this or another instance of the site, until unmanaged. */
        MANAGED,
        /** Obtained during a handshake after the on-demand permission check said yes. */
        ON_DEMAND
    }

    /** The names it covers. */
    List<String> names();

    /**
     * Where each of {@link #names()} came from, in the same order. A configured name is
     * {@link Origin#CONFIGURED} even when it was also managed at run time. A default method, so an
     * implementation written before names could change at run time (a test double, a wrapper) still
     * compiles: it says {@link Origin#CONFIGURED} for every name, which is all there was then.
     */
    default Map<String, Origin> origins() {
        Map<String, Origin> origins = new LinkedHashMap<>();
        names().forEach(name -> origins.put(name, Origin.CONFIGURED));
        return Collections.unmodifiableMap(origins);
    }

    /** The validation strategy ({@code http-01}, {@code dns-persist-01}, {@code acme-dns}, {@code auto}, ...). */
    String strategy();

    /** Why that strategy, in words. */
    String strategyReason();

    /** The served certificate's serial (hex), empty while the temporary one is served. */
    Optional<String> serial();

    /** The served certificate's issuer (distinguished name), empty while the temporary one is served. */
    Optional<String> issuer();

    /** Start of validity of what is served. */
    Instant notBefore();

    /** End of validity of what is served. */
    Instant notAfter();

    /** Where the served certificate came from. */
    Source source();

    /** When maintenance last looked at it, if it has. */
    Optional<Instant> lastAttempt();

    /** What that look found or did, in one sentence. */
    Optional<String> lastOutcome();

    /** When it looks next, if scheduled. */
    Optional<Instant> nextAttempt();

    /** What the owner must do, while only the owner can fix it. */
    Optional<String> ownerAction();

    /** Consecutive failed attempts. */
    int failures();

    /** The directory URL of the CA that issued what is served, when it was issued in this run. */
    Optional<String> issuedBy();

    /**
     * The directory URL of the CA the next order goes to ({@code autotls.ca}'s first unless it
     * has been failing for this certificate), once maintenance has looked.
     */
    Optional<String> tryingCa();

    /**
     * While the certificate's next new order waits in its CA account's order queue (the CA's rate
     * limits, shared by every instance of the site, or a pause the CA asked for with a 429): its
     * place, 1 for the next to go. Empty when it is not waiting. A default method, so an implementation
     * written before the queue still compiles.
     */
    default OptionalInt queuePosition() {
        return OptionalInt.empty();
    }

    /**
     * While the certificate waits in the order queue: when its order is expected to start, as the
     * queue's limits and the orders ahead of it say (it may start later if the CA pauses new orders,
     * or earlier if orders ahead of it no longer wait). Empty when it is not waiting.
     */
    default Optional<Instant> expectedStart() {
        return Optional.empty();
    }

    /** Whether owner action is needed. */
    default boolean ownerActionNeeded() {
        return ownerAction().isPresent();
    }
}
