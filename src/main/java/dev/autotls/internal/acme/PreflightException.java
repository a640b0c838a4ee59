package dev.autotls.internal.acme;

import dev.autotls.spi.OwnerActionException;

/**
 * A check before ordering found that the CA could not validate yet (a DNS record missing
 * or wrong). No order was placed; the message says, in one sentence, what the owner must do.
 * Checked again soon (at least once a minute): the owner is probably adding the record now.
 */
public final class PreflightException extends OwnerActionException {
    private static final long serialVersionUID = 1L;

    public PreflightException(String message) {
        super(message);
    }
}
