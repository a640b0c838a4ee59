package dev.autotls.testing;

import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;

/** The ARI certificate identifier (RFC 9773 section 4.1), computed here from its definition. */
final class AriIds {
    private AriIds() {
    }

    static String certificateId(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue("2.5.29.35");
        byte[] keyId = AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(extension).getOctets())
                .getKeyIdentifierObject().getOctets();
        byte[] serial = certificate.getSerialNumber().toByteArray(); // DER integer bytes, sign octet included
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        return encoder.encodeToString(keyId) + "." + encoder.encodeToString(Arrays.copyOf(serial, serial.length));
    }
}
