package dev.autotls.internal.localca;

import java.io.IOException;
import java.util.List;

/**
 * One place where this user's programs look for trusted roots. Each step reports one line per place
 * it touched: what it did, or why it did nothing and what to do instead. Both steps are idempotent.
 */
public interface TrustPlace {

    /** Adds the local CA's root of {@code authority}. */
    List<String> trust(Authority authority) throws IOException, InterruptedException;

    /** Removes it again; what else the place holds stays. */
    List<String> untrust(Authority authority) throws IOException, InterruptedException;

    /** Whether programs that read this place trust {@code authority}'s root now; false when that cannot be told. */
    boolean holds(Authority authority) throws IOException, InterruptedException;
}
