package dev.autotls.internal.localca;

import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * One local CA as kept in the store: the root and the intermediate that signs leaves, each with its
 * key pair. Immutable; a new intermediate makes a new value.
 */
public record Authority(X509Certificate root, KeyPair rootKey, X509Certificate intermediate, KeyPair intermediateKey) {

    /** The root's SHA-256 fingerprint, hex, the form {@code openssl x509 -fingerprint -sha256} and browsers show (without colons). */
    public String fingerprint() {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(root.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("SHA-256 of a parsed certificate cannot fail", e);
        }
    }

    /** The first 8 hex digits of {@link #fingerprint}: enough to tell this site's root from another's in a list. */
    public String shortFingerprint() {
        return fingerprint().substring(0, 8);
    }

    /**
     * Whether the intermediate should be replaced: in its last third, so that every leaf it signs
     * (7 days) ends well before it does.
     */
    boolean intermediateDue(Instant now) {
        Instant start = intermediate.getNotBefore().toInstant();
        Instant end = intermediate.getNotAfter().toInstant();
        return now.isAfter(end.minus(Duration.between(start, end).dividedBy(3)));
    }
}
