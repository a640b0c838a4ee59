package dev.autotls.internal.engine;

/**
 * What one look at the store asked of it, for tests and the benchmark (internal, not part of the
 * public API).
 *
 * @param number           the how-manieth look since the sync was made (1 for the first)
 * @param full             whether it compared every version ({@code versions} with every certificate's key)
 * @param keysSent         keys it sent in a list to compare versions ({@code versions}): every certificate's when
 *                         full, else those of the certificates the feed named (none when it named none)
 * @param keysReceived     rows the store returned: versions, or changed keys from the feed
 * @param certificatesRead certificates it read because they changed
 */
public record LookCost(long number, boolean full, int keysSent, int keysReceived, int certificatesRead) {
    static final LookCost NONE = new LookCost(0, false, 0, 0, 0);

    /** What {@code manager}'s last look at the store asked of it. */
    public static LookCost lastOf(CertificateManager manager) {
        return manager.sync().lastLook();
    }
}
