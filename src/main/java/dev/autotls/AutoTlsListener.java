package dev.autotls;

/**
 * Hears what the certificate maintenance does. Methods run on a maintenance thread; keep
 * them short and do not block. An exception thrown here is logged and otherwise ignored.
 */
public interface AutoTlsListener {

    /** A certificate was obtained for names that had none from the CA (first issuance, or repair). */
    default void onObtained(CertificateEvent event) {
    }

    /** A certificate replaced an earlier CA-issued one for the same names. */
    default void onRenewed(CertificateEvent event) {
    }

    /** An attempt failed; the old certificate (or the fallback) is still served, and another attempt is scheduled. */
    default void onFailed(FailureEvent event) {
    }

    /** Only the owner can fix what stops these names (said once per distinct problem): {@code sentence} says what to do. */
    default void onOwnerActionNeeded(java.util.List<String> names, String sentence) {
    }

    /**
     * The served certificate for these names has less than min(7 days, a third of its lifetime)
     * left and is not renewed yet (said once per certificate).
     */
    default void onExpiringSoon(CertificateStatus status) {
    }

    /**
     * The permission check for a name asked for on demand answered (once per name while the answer is
     * cached, not once per handshake): {@code allowed} is false for a refusal and for no answer in time.
     *
     * @param client the address of the client whose handshake caused the check; null when asked at renewal
     */
    default void onOnDemandChecked(String name, java.net.InetAddress client, boolean allowed) {
    }
}
