package dev.autotls.internal.acme;

import dev.autotls.spi.TransientException;

/**
 * A transient failure on this side of a validation, not the CA's: a DNS server that takes or
 * answers the challenge's records (the acme-dns server, the RFC 2136 primary) did not answer
 * or failed. Retried with back-off like any transient failure, but it never counts against the
 * CA the order went to: another CA would meet the same failure.
 */
public final class NotTheCaException extends TransientException {
    private static final long serialVersionUID = 1L;

    public NotTheCaException(String message, Throwable cause) {
        super(message, cause);
    }
}
