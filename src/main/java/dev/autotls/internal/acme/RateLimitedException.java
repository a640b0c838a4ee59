package dev.autotls.internal.acme;

import dev.autotls.spi.TransientException;
import java.time.Instant;
import java.util.List;

/**
 * The CA answered 429 {@code rateLimited}: a transient failure of this request that the CA does not
 * fail as a whole (its circuit stays closed), with what the problem said, so the order queue can
 * pause new orders to the account, or for the registered domain the problem names, until its
 * Retry-After.
 */
public final class RateLimitedException extends TransientException {
    private static final long serialVersionUID = 1L;

    private final String detail;
    private final List<String> identifiers;

    /**
     * @param detail      the problem's detail, as the CA wrote it
     * @param identifiers the identifiers the problem's subproblems name, if any
     */
    public RateLimitedException(String message, Throwable cause, Instant retryAfter, String detail, List<String> identifiers) {
        super(message, cause, false, retryAfter);
        this.detail = detail == null ? "" : detail;
        this.identifiers = List.copyOf(identifiers);
    }

    public String detail() {
        return detail;
    }

    public List<String> identifiers() {
        return identifiers;
    }
}
