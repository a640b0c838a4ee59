package dev.autotls;

import java.time.Instant;
import java.util.List;

/**
 * A failed attempt to obtain or renew a certificate. An interface that autotls implements and
 * listeners only read: accessors may be added in later versions, so do not implement it.
 */
public interface FailureEvent {

    /** The names of the certificate. */
    List<String> names();

    /** What went wrong; an {@link dev.autotls.spi.AutoTlsException} of one of its kinds when autotls knows the kind. */
    Throwable cause();

    /** Consecutive failures so far, this one included. */
    int failures();

    /** When the next attempt is scheduled. */
    Instant nextAttempt();
}
