package dev.autotls.internal.localca;

import dev.autotls.internal.tls.AlternativeNames;
import dev.autotls.internal.tls.KeyType;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The three kinds of certificate the local CA makes, with Bouncy Castle: the self-signed root, the
 * one intermediate it signs (both made together, after which the root's key is dropped), and the
 * short-lived leaves the intermediate signs. Root and intermediate both carry the critical name
 * constraints of {@link LocalNames}: the root's are what a browser trusting it enforces (NSS
 * honours an anchor's constraints); the intermediate's are what the JDK's PKIX enforces, since it
 * ignores a trust anchor's own.
 */
public final class AuthorityCertificates {
    /** The root's, and so the one intermediate's, lifetime: ten years (3653 days). */
    public static final Duration ROOT_LIFETIME = Duration.ofDays(3653);
    public static final Duration LEAF_LIFETIME = Duration.ofDays(7);
    /** Back-dating, so a client whose clock is a little behind accepts a certificate made just now. */
    private static final Duration BACKDATE = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private AuthorityCertificates() {
    }

    /**
     * A new root and its one intermediate. The root's key signs the intermediate here and is then
     * dropped (it is never returned, stored or logged): the JDK ignores the name constraints of a
     * trust anchor, so a second, unconstrained intermediate made with that key would let a JVM that
     * trusts the root accept any public name. With the key gone there is no second intermediate,
     * and the intermediate's own constraints are enforced by every validator, Java's included.
     */
    public static Authority create(Instant now) throws GeneralSecurityException {
        byte[] random = new byte[4];
        RANDOM.nextBytes(random);
        String id = HexFormat.of().formatHex(random); // so each site's root has its own name
        KeyPair rootKey = KeyType.EC256.generate();
        X509Certificate root = root(rootKey, id, now);
        KeyPair intermediateKey = KeyType.EC256.generate();
        return new Authority(root, intermediate(root, rootKey.getPrivate(), id, intermediateKey), intermediateKey);
    }

    /** Package-private for the test that shows why the key is dropped: a holder of it makes Java accept any name. */
    static X509Certificate root(KeyPair keyPair, String id, Instant now) throws GeneralSecurityException {
        X500Name subject = name("autotls local CA " + id);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                Date.from(now.minus(BACKDATE)), Date.from(now.plus(ROOT_LIFETIME)), subject, keyPair.getPublic());
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keyPair.getPublic()));
            builder.addExtension(Extension.nameConstraints, true, constraints());
        } catch (CertIOException e) {
            throw new GeneralSecurityException("could not add the root's extensions", e);
        }
        return sign(builder, keyPair.getPrivate());
    }

    /** The intermediate, valid exactly as long as the root, since no other can ever follow it. */
    private static X509Certificate intermediate(X509Certificate root, PrivateKey rootKey, String id, KeyPair keyPair)
            throws GeneralSecurityException {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(root, serial(), root.getNotBefore(),
                root.getNotAfter(), name("autotls local CA " + id + " intermediate"), keyPair.getPublic());
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keyPair.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(root));
            builder.addExtension(Extension.nameConstraints, true, constraints());
        } catch (CertIOException e) {
            throw new GeneralSecurityException("could not add the intermediate's extensions", e);
        }
        return sign(builder, rootKey);
    }

    /**
     * A leaf for {@code names} and {@code publicKey}, signed by {@code issuer}'s key, valid for
     * {@link #LEAF_LIFETIME}. Names are not judged here: {@link LocalCa} does that before.
     */
    public static X509Certificate leaf(List<String> names, PublicKey publicKey, X509Certificate issuer, PrivateKey issuerKey,
                                       Instant now) throws GeneralSecurityException {
        Instant end = earlier(now.plus(LEAF_LIFETIME), issuer.getNotAfter().toInstant());
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial(), Date.from(now.minus(BACKDATE)),
                Date.from(end), name(names.get(0).replace("*", "wildcard")), publicKey);
        List<GeneralName> alternatives = new ArrayList<>();
        for (String name : names) {
            alternatives.add(AlternativeNames.of(name));
        }
        boolean rsa = "RSA".equals(publicKey.getAlgorithm());
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternatives.toArray(new GeneralName[0])));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            // RSA key exchange needs keyEncipherment; an EC key must not claim it
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(rsa ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuer));
        } catch (CertIOException e) {
            throw new GeneralSecurityException("could not add the leaf's extensions", e);
        }
        return sign(builder, issuerKey);
    }

    /** The permitted subtrees of {@link LocalNames}, nothing excluded. */
    static NameConstraints constraints() {
        List<GeneralSubtree> permitted = new ArrayList<>();
        for (String dns : LocalNames.PERMITTED_DNS) {
            permitted.add(new GeneralSubtree(new GeneralName(GeneralName.dNSName, dns)));
        }
        for (String block : LocalNames.PERMITTED_ADDRESSES) {
            permitted.add(new GeneralSubtree(new GeneralName(GeneralName.iPAddress, block)));
        }
        return new NameConstraints(permitted.toArray(new GeneralSubtree[0]), null);
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "autotls local CA").addRDN(BCStyle.CN, commonName).build();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE); // positive, at most 16 bytes as RFC 5280 asks
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws GeneralSecurityException {
        String algorithm = "RSA".equals(key.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("could not sign with " + algorithm, e);
        }
    }
}
