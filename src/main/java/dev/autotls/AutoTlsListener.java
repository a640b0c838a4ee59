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
}
