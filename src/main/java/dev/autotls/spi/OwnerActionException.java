package dev.autotls.spi;

/**
 * Only the owner can fix this: the CA's terms are not agreed, external account binding is
 * missing or rejected, the CA offers none of the configured challenges, CAA forbids the CA, a
 * DNS record is missing or wrong. The message is one sentence that says what to do.
 */
public non-sealed class OwnerActionException extends AutoTlsException {
    private static final long serialVersionUID = 1L;

    public OwnerActionException(String message) {
        super(message, null);
    }

    public OwnerActionException(String message, Throwable cause) {
        super(message, cause);
    }
}
