package dev.autotls.internal.tls;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes the short-lived self-signed certificate served from the first start-up until a CA
 * certificate arrives. It lives only in memory and is never stored, so it can never be
 * mistaken for an issued certificate after a restart.
 */
public final class SelfSignedCertificates {
    /** Long enough to cover any realistic wait for a first certificate, short enough to be obviously temporary. */
    public static final Duration LIFETIME = Duration.ofDays(7);
    /** RFC 8737's id-pe-acmeIdentifier. */
    private static final ASN1ObjectIdentifier ACME_IDENTIFIER = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.1.31");

    private SelfSignedCertificates() {
    }

    /** A self-signed EC certificate for {@code names} (the first one becomes the subject). */
    public static CertifiedKey create(List<String> names, Clock clock) {
        KeyPair keyPair = KeyType.EC256.generate();
        Instant now = clock.instant();
        try {
            X500Name subject = new X500Name("CN=" + names.get(0).replace("*", "wildcard") + ",O=autotls temporary self-signed");
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(LIFETIME)), subject, keyPair.getPublic());
            List<GeneralName> altNames = new ArrayList<>();
            for (String name : names) {
                altNames.add(AlternativeNames.of(name));
            }
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(altNames.toArray(new GeneralName[0])));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate())));
            return new CertifiedKey(names, List.of(certificate), keyPair.getPrivate(), true);
        } catch (OperatorCreationException | CertificateException | java.io.IOException e) {
            throw new IllegalStateException("could not make a self-signed certificate for " + names, e);
        }
    }

    /**
     * The tls-alpn-01 validation certificate of RFC 8737 section 3 for {@code name}: self-signed
     * EC, the name as its only SAN (an iPAddress for an address, RFC 8738 section 6), and the critical acmeIdentifier extension
     * (1.3.6.1.5.5.7.1.31) holding {@code keyAuthorizationDigest}, the SHA-256 of the key
     * authorization. (acme4j's helper signs with RSA only, which would cost an RSA key per name.)
     */
    public static CertifiedKey tlsAlpn01(String name, byte[] keyAuthorizationDigest, Clock clock) {
        if (keyAuthorizationDigest.length != 32) {
            throw new IllegalArgumentException("a tls-alpn-01 digest is 32 bytes of SHA-256, not " + keyAuthorizationDigest.length);
        }
        KeyPair keyPair = KeyType.EC256.generate();
        Instant now = clock.instant();
        try {
            X500Name subject = new X500Name("CN=" + name);
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(Duration.ofDays(1))), subject, keyPair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(AlternativeNames.of(name)));
            builder.addExtension(ACME_IDENTIFIER, true, new DEROctetString(keyAuthorizationDigest));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate())));
            return new CertifiedKey(List.of(name), List.of(certificate), keyPair.getPrivate(), true);
        } catch (OperatorCreationException | CertificateException | java.io.IOException e) {
            throw new IllegalStateException("could not make the tls-alpn-01 certificate for " + name, e);
        }
    }
}
