package dev.autotls.bench;

import dev.autotls.internal.store.StoredCertificate;
import dev.autotls.internal.tls.KeyType;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway issuer for the benchmarks' stored certificates: one issuer key and one leaf key
 * for every certificate (key generation is not what is measured), distinct serials. Clients
 * in the benchmarks trust anything; they tell a stored certificate from autotls's temporary
 * self-signed one by its issuer, {@link #ISSUER}. Thread-safe.
 */
final class BenchCertificates {
    /** The issuer's name as {@link X509Certificate#getIssuerX500Principal()} gives it. */
    static final String ISSUER = "CN=bench issuer";

    private final KeyPair issuer = KeyType.EC256.generate();
    private final KeyPair key = KeyType.EC256.generate();
    private final ThreadLocal<ContentSigner> signer = ThreadLocal.withInitial(this::newSigner);

    /** A stored certificate for {@code name} alone, valid from {@code notBefore} to {@code notAfter}, issued at {@code notBefore}. */
    StoredCertificate issue(String name, BigInteger serial, Instant notBefore, Instant notAfter) {
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(ISSUER), serial,
                Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + name), key.getPublic());
        try {
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(signer.get()));
            return new StoredCertificate(List.of(name), key, List.of(certificate), notBefore);
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not make the bench certificate for " + name, e);
        }
    }

    /** Whether {@code leaf} came from a bench issuer (a stored certificate), not from autotls's temporary issuer. */
    static boolean isStored(X509Certificate leaf) {
        return ISSUER.equals(leaf.getIssuerX500Principal().getName());
    }

    private ContentSigner newSigner() {
        try {
            return new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate());
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("no ECDSA signer", e);
        }
    }
}
