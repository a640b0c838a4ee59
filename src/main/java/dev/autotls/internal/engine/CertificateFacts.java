package dev.autotls.internal.engine;

import dev.autotls.internal.store.StoredCertificate;
import dev.autotls.internal.store.StoredMetadata;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * What status, renewal planning and events need to know of a served certificate, without its key
 * and chain: those are decoded only while handshakes use them (the registry's cache), and read
 * from the store again when maintenance needs the certificate itself (its renewal window, the
 * {@code replaces} of its renewal). A few hundred bytes, whatever the number of names managed.
 *
 * @param serial    the leaf's serial number
 * @param issuer    the leaf's issuer (distinguished name), shared between certificates of one issuer; null when only
 *                  metadata written before it was recorded has been read
 * @param notBefore start of validity
 * @param notAfter  end of validity
 * @param issuedAt  when it was issued (stored beside it)
 */
public record CertificateFacts(BigInteger serial, String issuer, Instant notBefore, Instant notAfter, Instant issuedAt) {

    /** The facts of {@code certificate}. */
    public static CertificateFacts of(StoredCertificate certificate) {
        X509Certificate leaf = certificate.leaf();
        // interned: thousands of certificates have a handful of issuers
        return new CertificateFacts(leaf.getSerialNumber(), leaf.getIssuerX500Principal().getName().intern(),
                certificate.notBefore(), certificate.notAfter(), certificate.issuedAt());
    }

    /** The facts its metadata gives of a stored certificate (the issuer null when it was not recorded). */
    public static CertificateFacts of(StoredMetadata metadata) {
        return new CertificateFacts(metadata.serial(), metadata.issuer(), metadata.notBefore(), metadata.notAfter(),
                metadata.issuedAt());
    }

    /** Whether these are the facts of {@code certificate} (the same serial). */
    boolean describe(StoredCertificate certificate) {
        return serial.equals(certificate.leaf().getSerialNumber());
    }
}
