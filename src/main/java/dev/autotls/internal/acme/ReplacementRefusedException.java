package dev.autotls.internal.acme;

import dev.autotls.spi.TransientException;

/**
 * The CA would not take a renewal's order as the replacement of the certificate it renews (ARI's
 * {@code replaces}): another order replaced it already, the CA does not know the certificate, or it
 * was issued to another account. No order was made. Thrown instead of ordering again without the
 * hint at once, because an order without it is a new order, which the CA counts against its rate
 * limits: the engine puts it through the order queue like any other new order first
 * (Let's Encrypt exempts only orders it takes as replacements from those limits).
 */
public final class ReplacementRefusedException extends TransientException {
    private static final long serialVersionUID = 1L;

    public ReplacementRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
