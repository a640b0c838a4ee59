package dev.autotls.internal.engine;

import dev.autotls.internal.acme.PreflightException;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.OwnerActionException;
import dev.autotls.spi.StorageException;
import dev.autotls.spi.TransientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens after each kind of failure, and the circuit in front of each CA.
 * <ul>
 *   <li>owner action: said once in one sentence (repeats go to DEBUG), checked again slowly:
 *       within a minute for a DNS record (the owner is probably adding it now), from a minute up
 *       to half an hour for the rest;</li>
 *   <li>transient, per certificate: exponential back-off with jitter, never before Retry-After;</li>
 *   <li>transient, CA-wide: that CA's {@link CaCircuit} opens and every certificate whose orders go
 *       to it waits for one probe (orders to the other CAs go on);</li>
 *   <li>a failure that moves the certificate's orders to the next CA ({@link CaRotation}): the next
 *       CA is tried within seconds;</li>
 *   <li>storage: again within 5 to 60 s, so the site catches up as soon as the store is back.</li>
 * </ul>
 */
final class FailurePolicy {
    private static final Logger LOG = LoggerFactory.getLogger(FailurePolicy.class);
    /** How far resuming certificates are spread after the CA's wait, so they do not arrive at once. */
    private static final Duration RESUME_SPREAD = Duration.ofSeconds(5);

    private final Backoff backoff;
    private final Backoff preflightBackoff;
    private final Backoff ownerBackoff;
    private final Backoff storageBackoff;
    /** Jitter for every wait here; injected so a test's seed makes it repeatable. Thread-safe. */
    private final RandomGenerator random;
    private final CaRotation cas;
    private final Clock clock;
    private final Listeners listeners;

    FailurePolicy(Backoff backoff, CaRotation cas, Clock clock, Listeners listeners, RandomGenerator random) {
        this.backoff = backoff;
        this.random = random;
        this.preflightBackoff = new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(50), random);
        this.ownerBackoff = new Backoff(Duration.ofMinutes(1), Duration.ofMinutes(30), random);
        this.storageBackoff = new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(60), random);
        this.cas = cas;
        this.clock = clock;
        this.listeners = listeners;
    }

    /**
     * Before a job talks to the CA: empty if it may go ahead, else when to look again. While the
     * CA is failing, the first job whose wait is over probes it, and the others wait.
     */
    Optional<Instant> holdForCa(CaRotation.Lane lane) throws TransientException, InterruptedException {
        Instant now = clock.instant();
        CaCircuit circuit = lane.circuit();
        CaCircuit.Admission admission = circuit.admit(now);
        if (admission instanceof CaCircuit.Proceed) {
            return Optional.empty();
        }
        if (admission instanceof CaCircuit.Wait wait) {
            Optional<TransientException> firstContact = circuit.takeUnreported();
            if (firstContact.isPresent()) {
                throw firstContact.get(); // the warm start's answer is this order's failure, reported once
            }
            return Optional.of(spread(wait.until()));
        }
        boolean reported = false;
        try {
            lane.issuer().probe();
            circuit.succeeded();
            reported = true;
            LOG.info("The CA at {} answers again; certificates waiting for it resume.", lane.issuer().id());
            return Optional.empty();
        } catch (TransientException e) {
            circuit.failedBy(now, e);
            reported = true;
            LOG.debug("the CA still fails: {}", e.getMessage());
            return Optional.of(spread(circuit.openUntil().orElse(now)));
        } finally {
            if (!reported) {
                circuit.released(); // interrupted, or a bug: the next job whose wait is over probes instead
            }
        }
    }

    /** Records a CA-wide failure seen outside an order (a renewal-window look); when to look again. */
    Instant caFailed(CaRotation.Lane lane, TransientException e) {
        Instant now = clock.instant();
        CaCircuit circuit = lane.circuit();
        boolean wasOpen = circuit.isOpen();
        circuit.failedBy(now, e);
        Instant until = circuit.openUntil().orElse(now);
        if (!wasOpen) {
            logCaDown(e, until);
        }
        return spread(until);
    }

    /** Handles a failed job whose orders went to {@code lane}: logs as its kind wants and returns when to try again. */
    Instant failed(ManagedCertificate certificate, CaRotation.Lane lane, AutoTlsException error) {
        Instant now = clock.instant();
        if (cas.failed(certificate, lane, error)) {
            int failures = certificate.update(state -> state.failed(null)).failures();
            LOG.warn("{}: {}. Still serving the {} certificate; the next CA is tried now (failure {}).", certificate,
                    trimmed(error.getMessage()), certificate.state().current() == null ? "temporary" : "current", failures);
            return spread(now);
        }
        if (error instanceof OwnerActionException) {
            String previous = certificate.state().ownerAction();
            int failures = certificate.update(state -> state.failed(error.getMessage())).failures();
            Instant next = now.plus((error instanceof PreflightException ? preflightBackoff : ownerBackoff).delay(failures));
            if (error.getMessage().equals(previous)) {
                LOG.debug("{}: still: {} (checking again at {})", certificate, error.getMessage(), next);
            } else {
                LOG.warn("{}: {}. No order is placed until then; checking again at {}.", certificate,
                        trimmed(error.getMessage()), next);
                listeners.ownerActionNeeded(certificate.names, error.getMessage());
            }
            return next;
        }
        int failures = certificate.update(state -> state.failed(null)).failures();
        if (error instanceof StorageException) {
            Instant next = now.plus(storageBackoff.delay(failures));
            LOG.debug("{}: {}; no order without the store, next look at {}", certificate, error.getMessage(), next);
            return next;
        }
        TransientException transientError = (TransientException) error;
        Instant next = transientError.caWide() ? caFailed(lane, transientError)
                : backoff.nextAttempt(failures, now, transientError.retryAfter());
        LOG.warn("Could not obtain a certificate for {}: {}. Still serving the {} certificate; next attempt at {} (failure {}).",
                certificate, error.getMessage(), certificate.state().current() == null ? "temporary" : "current", next,
                failures);
        LOG.debug("failure details", error);
        return next;
    }

    private Instant spread(Instant at) {
        return at.plusMillis(random.nextLong(RESUME_SPREAD.toMillis()));
    }

    private static String trimmed(String sentence) {
        return sentence.endsWith(".") ? sentence.substring(0, sentence.length() - 1) : sentence;
    }

    /** Said once when a CA is found failing as a whole (at the first contact, or later). */
    static void logCaDown(TransientException e, Instant until) {
        LOG.warn("{}. Every certificate whose orders go to it waits; it is asked again (one cheap request) from {}.",
                capitalized(e.getMessage()), until);
    }

    private static String capitalized(String sentence) {
        String text = trimmed(sentence);
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
