package dev.autotls.acme;

/**
 * A check before ordering found that the CA could not validate yet (a DNS record missing
 * or wrong). No order was placed; the message says, in one sentence, what the owner must do.
 */
public final class PreflightException extends Exception {
    private static final long serialVersionUID = 1L;

    public PreflightException(String message) {
        super(message);
    }
}
