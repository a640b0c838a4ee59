package dev.autotls.internal.acme;

import java.time.Instant;
import java.util.Optional;

/**
 * A renewal window as the issuer suggested it (ARI), and when to ask again: the answer's
 * Retry-After, which the engine keeps the window until.
 */
public record RenewalWindow(Instant start, Instant end, Optional<Instant> askAgainAt) {
}
