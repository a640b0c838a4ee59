package dev.autotls.internal.localca;

import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;

/**
 * One local CA as kept in the store: the root, and the one intermediate that signs leaves with its
 * key pair. The root's key is not here and exists nowhere: it signed the intermediate when both
 * were made and was dropped, so nobody (this process, a reader of the store) can make a second,
 * unconstrained intermediate under a root that users trust. Immutable.
 */
public record Authority(X509Certificate root, X509Certificate intermediate, KeyPair intermediateKey) {
    /** How every {@link #trustAlias} begins, so a trust place tells autotls's roots from others. */
    static final String TRUST_ALIAS_PREFIX = "autotls-local-ca-";

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
     * The name under which every trust place ({@code trust}'s Java trust store alias, the system
     * store's file) files this root: its fingerprint's start, so two sites' roots never overwrite
     * each other and {@code untrust} finds the one it added.
     */
    public String trustAlias() {
        return TRUST_ALIAS_PREFIX + shortFingerprint().toLowerCase(Locale.ROOT);
    }

    /** When the intermediate, and so every leaf it can still sign, ends (the root ends at the same time). */
    public Instant intermediateEnd() {
        return intermediate.getNotAfter().toInstant();
    }

    /** Whether the intermediate has ended at {@code now}: nothing can be signed any more, a new root is needed. */
    boolean ended(Instant now) {
        return !now.isBefore(intermediateEnd());
    }
}
