package dev.autotls;

import java.time.Instant;
import java.util.List;

/**
 * A failed attempt to obtain or renew a certificate.
 *
 * @param names       the names of the certificate
 * @param cause       what went wrong
 * @param failures    consecutive failures so far, this one included
 * @param nextAttempt when the next attempt is scheduled
 */
public record FailureEvent(List<String> names, Throwable cause, int failures, Instant nextAttempt) {
}
