package dev.autotls.internal.acme;

import dev.autotls.spi.TransientException;
import java.math.BigInteger;

/**
 * The CA refused a renewal's order that named the certificate it replaces (ARI's {@code replaces}),
 * and no order was made. Thrown instead of ordering again without the name at once, because an order
 * without it is a new order, which the CA counts against its rate limits: the engine puts it through
 * the order queue like any other new order first (Let's Encrypt exempts only orders it takes as
 * replacements from those limits).
 */
public final class ReplacementRefusedException extends TransientException {
    private static final long serialVersionUID = 1L;

    private final BigInteger serial;
    private final boolean aboutTheReplacement;

    /**
     * @param serial              the serial of the certificate the order named as the one it replaces
     * @param aboutTheReplacement whether the CA's answer is one it gives about the replacement itself (another
     *                            order replaced it already, it does not know the certificate or not for this
     *                            account), so asking again is pointless; false for any other refusal (a failing
     *                            CA, a test CA's quirk), after which a later renewal names it again
     */
    public ReplacementRefusedException(String message, Throwable cause, BigInteger serial, boolean aboutTheReplacement) {
        super(message, cause);
        this.serial = serial;
        this.aboutTheReplacement = aboutTheReplacement;
    }

    public BigInteger serial() {
        return serial;
    }

    public boolean aboutTheReplacement() {
        return aboutTheReplacement;
    }
}
