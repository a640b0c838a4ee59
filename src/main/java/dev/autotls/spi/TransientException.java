package dev.autotls.spi;

import java.time.Instant;
import java.util.Optional;

/**
 * A failure that may pass by itself: the network, the CA's 5xx answers, rate limits, a failed
 * validation, a DNS server that did not answer. {@link #caWide()} says whether the CA itself is
 * failing (unreachable or answering 5xx), so all certificates wait together instead of each
 * asking it again; {@link #retryAfter()} is the CA's Retry-After, if its answer carried one.
 */
public non-sealed class TransientException extends AutoTlsException {
    private static final long serialVersionUID = 1L;

    private final boolean caWide;
    private final transient Instant retryAfter;

    public TransientException(String message, Throwable cause) {
        this(message, cause, false, null);
    }

    public TransientException(String message, Throwable cause, boolean caWide, Instant retryAfter) {
        super(message, cause);
        this.caWide = caWide;
        this.retryAfter = retryAfter;
    }

    /** Whether the CA as a whole is failing (every certificate should wait), not just this request. */
    public boolean caWide() {
        return caWide;
    }

    /** The earliest moment the CA allows another request, from its Retry-After. */
    public Optional<Instant> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
