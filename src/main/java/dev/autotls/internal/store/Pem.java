package dev.autotls.internal.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;

/** PEM encoding of key pairs and certificate chains (Bouncy Castle does the parsing). */
public final class Pem {
    private Pem() {
    }

    /**
     * A key pair as two PEM blocks: the private key in PKCS#8 ({@code PRIVATE KEY}, what
     * web servers and OpenSSL read) followed by its public key ({@code PUBLIC KEY}), so a
     * loader can match the pair against a certificate without any key arithmetic.
     */
    public static byte[] encodeKeyPair(KeyPair keyPair) {
        return write(new PemObject("PRIVATE KEY", keyPair.getPrivate().getEncoded()),
                new PemObject("PUBLIC KEY", keyPair.getPublic().getEncoded()));
    }

    public static KeyPair decodeKeyPair(byte[] pem, String what) throws CorruptDataException {
        KeyPair quick = quickKeyPair(PemBlocks.split(pem));
        if (quick != null) {
            return quick;
        }
        try (PEMParser parser = new PEMParser(new InputStreamReader(new ByteArrayInputStream(pem), StandardCharsets.US_ASCII))) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            PrivateKey privateKey = null;
            PublicKey publicKey = null;
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof PrivateKeyInfo) {
                    privateKey = converter.getPrivateKey((PrivateKeyInfo) object);
                } else if (object instanceof SubjectPublicKeyInfo) {
                    publicKey = converter.getPublicKey((SubjectPublicKeyInfo) object);
                } else if (object instanceof PEMKeyPair && ((PEMKeyPair) object).getPublicKeyInfo() != null) {
                    return converter.getKeyPair((PEMKeyPair) object);
                }
            }
            if (privateKey == null || publicKey == null) {
                throw new CorruptDataException(what + " lacks its " + (privateKey == null ? "PRIVATE KEY" : "PUBLIC KEY") + " block");
            }
            return new KeyPair(publicKey, privateKey);
        } catch (IOException | RuntimeException e) {
            throw e instanceof CorruptDataException ? (CorruptDataException) e
                    : new CorruptDataException(what + " is not a readable PEM key pair: " + e.getMessage(), e);
        }
    }

    /** The first private key in a PEM file, whatever its form (PKCS#8, SEC1, PKCS#1), e.g. a key made by another tool. */
    public static PrivateKey decodePrivateKey(byte[] pem, String what) throws CorruptDataException {
        try (PEMParser parser = new PEMParser(new InputStreamReader(new ByteArrayInputStream(pem), StandardCharsets.US_ASCII))) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof PrivateKeyInfo) {
                    return converter.getPrivateKey((PrivateKeyInfo) object);
                }
                if (object instanceof PEMKeyPair) {
                    return converter.getPrivateKey(((PEMKeyPair) object).getPrivateKeyInfo());
                }
            }
            throw new CorruptDataException(what + " holds no PEM private key");
        } catch (IOException | RuntimeException e) {
            throw e instanceof CorruptDataException ? (CorruptDataException) e
                    : new CorruptDataException(what + " is not a readable PEM private key: " + e.getMessage(), e);
        }
    }

    public static byte[] encodeChain(List<X509Certificate> chain) {
        return write(chain.toArray());
    }

    public static List<X509Certificate> decodeChain(byte[] pem, String what) throws CorruptDataException {
        try {
            List<X509Certificate> quick = quickChain(PemBlocks.split(pem));
            if (quick != null) {
                return quick;
            }
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

    /** The pair as {@link #encodeKeyPair} writes it (PKCS#8, then X.509), read without the general parser; else null. */
    private static KeyPair quickKeyPair(List<PemBlocks.Block> blocks) {
        if (blocks == null || blocks.size() != 2 || !blocks.get(0).type().equals("PRIVATE KEY")
                || !blocks.get(1).type().equals("PUBLIC KEY")) {
            return null;
        }
        try {
            byte[] privateDer = blocks.get(0).der();
            String algorithm = algorithmOf(PrivateKeyInfo.getInstance(privateDer).getPrivateKeyAlgorithm().getAlgorithm().getId());
            if (algorithm == null) {
                return null;
            }
            KeyFactory factory = KeyFactory.getInstance(algorithm);
            return new KeyPair(factory.generatePublic(new X509EncodedKeySpec(blocks.get(1).der())),
                    factory.generatePrivate(new PKCS8EncodedKeySpec(privateDer)));
        } catch (GeneralSecurityException | RuntimeException e) {
            return null; // the general parser says precisely what is wrong
        }
    }

    private static String algorithmOf(String oid) {
        switch (oid) {
            case "1.2.840.10045.2.1":
                return "EC";
            case "1.2.840.113549.1.1.1":
                return "RSA";
            default:
                return null;
        }
    }

    /** A chain of plain CERTIFICATE blocks, each parsed from its DER; null if the PEM has another shape. */
    private static List<X509Certificate> quickChain(List<PemBlocks.Block> blocks) throws CertificateException {
        if (blocks == null) {
            return null;
        }
        for (PemBlocks.Block block : blocks) {
            if (!block.type().equals("CERTIFICATE")) {
                return null;
            }
        }
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> chain = new ArrayList<>(blocks.size());
        for (PemBlocks.Block block : blocks) {
            chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
        }
        return chain;
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
