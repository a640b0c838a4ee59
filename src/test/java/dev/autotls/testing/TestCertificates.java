package dev.autotls.testing;

import dev.autotls.internal.store.Pem;
import dev.autotls.internal.tls.KeyType;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates for test peers' own listeners, and trust stores built from PEM. */
public final class TestCertificates {
    private TestCertificates() {
    }

    /** Writes a self-signed certificate for 127.0.0.1 and localhost to {@code cert} and its key to {@code key}. */
    public static void writeLoopbackCertificate(Path cert, Path key) throws Exception {
        KeyPair keyPair = KeyType.EC256.generate();
        X500Name subject = new X500Name("CN=localhost");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject, keyPair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        X509Certificate certificate = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate())));
        Files.write(cert, Pem.encodeChain(List.of(certificate)));
        // PKCS#8, which every TLS stack reads (Go rejects the SEC1 form as Java encodes it)
        String pkcs8 = java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .encodeToString(keyPair.getPrivate().getEncoded());
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n" + pkcs8 + "\n-----END PRIVATE KEY-----\n");
    }

    /** A self-signed certificate for {@code names} with {@code keyPair}, valid from an hour ago until {@code notAfter}. */
    public static X509Certificate selfSigned(List<String> names, KeyPair keyPair, Instant notAfter) throws Exception {
        return selfSigned(names, keyPair, Instant.now().minus(Duration.ofHours(1)), notAfter);
    }

    /** A self-signed certificate for {@code names} with {@code keyPair}, valid from {@code notBefore} until {@code notAfter}. */
    public static X509Certificate selfSigned(List<String> names, KeyPair keyPair, Instant notBefore, Instant notAfter)
            throws Exception {
        X500Name subject = new X500Name("CN=" + names.get(0));
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(64, new java.security.SecureRandom()), Date.from(notBefore),
                Date.from(notAfter), subject, keyPair.getPublic());
        GeneralName[] sans = names.stream().map(name -> new GeneralName(GeneralName.dNSName, name)).toArray(GeneralName[]::new);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate())));
    }

    public static List<X509Certificate> parse(byte[] pem) throws Exception {
        Collection<? extends java.security.cert.Certificate> all =
                CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
        return all.stream().map(c -> (X509Certificate) c).toList();
    }

    public static KeyStore trustStore(Collection<X509Certificate> anchors) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int i = 0;
        for (X509Certificate anchor : anchors) {
            store.setCertificateEntry("anchor-" + i++, anchor);
        }
        return store;
    }
}
