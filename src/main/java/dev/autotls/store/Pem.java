package dev.autotls.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** PEM encoding of key pairs and certificate chains (Bouncy Castle does the parsing). */
public final class Pem {
    private Pem() {
    }

    /** A key pair in the traditional PEM form, which carries the public key beside the private one. */
    public static byte[] encodeKeyPair(KeyPair keyPair) {
        return write(keyPair);
    }

    public static KeyPair decodeKeyPair(byte[] pem, String what) throws CorruptDataException {
        try (PEMParser parser = new PEMParser(new InputStreamReader(new ByteArrayInputStream(pem), StandardCharsets.US_ASCII))) {
            Object object = parser.readObject();
            if (!(object instanceof PEMKeyPair)) {
                throw new CorruptDataException(what + " holds no PEM key pair");
            }
            return new JcaPEMKeyConverter().getKeyPair((PEMKeyPair) object);
        } catch (IOException e) {
            throw e instanceof CorruptDataException ? (CorruptDataException) e
                    : new CorruptDataException(what + " is not a readable PEM key pair: " + e.getMessage(), e);
        }
    }

    public static byte[] encodeChain(List<X509Certificate> chain) {
        return write(chain.toArray());
    }

    public static List<X509Certificate> decodeChain(byte[] pem, String what) throws CorruptDataException {
        try {
            Collection<? extends java.security.cert.Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
            List<X509Certificate> chain = new ArrayList<>();
            for (java.security.cert.Certificate certificate : certificates) {
                chain.add((X509Certificate) certificate);
            }
            if (chain.isEmpty()) {
                throw new CorruptDataException(what + " holds no certificate");
            }
            return chain;
        } catch (CertificateException e) {
            throw new CorruptDataException(what + " is not a readable PEM certificate chain: " + e.getMessage(), e);
        }
    }

    private static byte[] write(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new IllegalStateException("PEM encoding failed", e); // a StringWriter does not fail
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
