package dev.autotls.internal.acme;

import dev.autotls.spi.OwnerActionException;

/**
 * Owner action that concerns one CA only: this CA will not issue the certificate as configured
 * (it offers no such profile, rejects or does not support the identifier, requires terms or an
 * external account binding it did not get, CAA names another CA). No retry with the same CA can
 * fix it, but another CA may issue at once, so a fallback CA is tried without waiting.
 */
public final class CaRefusalException extends OwnerActionException {
    private static final long serialVersionUID = 1L;

    public CaRefusalException(String message) {
        super(message);
    }

    public CaRefusalException(String message, Throwable cause) {
        super(message, cause);
    }
}
