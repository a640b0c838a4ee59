package dev.autotls.internal.tls;

import dev.autotls.internal.names.IpAddresses;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.GeneralName;

/**
 * The one mapping between autotls's canonical names and certificates' subject alternative names:
 * a domain name is a dNSName, an IP address an iPAddress (RFC 5280 4.2.1.6: the address's bytes),
 * whichever certificate is made (temporary, tls-alpn-01 validation, the local CA's leaves) or read.
 */
public final class AlternativeNames {
    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    private AlternativeNames() {
    }

    /** The SAN for canonical {@code name}. */
    public static GeneralName of(String name) {
        if (IpAddresses.isAddress(name)) {
            return new GeneralName(GeneralName.iPAddress, new DEROctetString(IpAddresses.parse(name).getAddress()));
        }
        return new GeneralName(GeneralName.dNSName, name);
    }

    /**
     * The names {@code certificate} is for, as canonical names: dNSNames in lower case, iPAddresses
     * in canonical text (the JDK writes IPv6 ones in full, {@code 0:0:0:0:0:0:0:1}). Empty when it
     * has none or they cannot be read.
     */
    public static Set<String> in(X509Certificate certificate) {
        Set<String> names = new LinkedHashSet<>();
        Collection<List<?>> alternatives;
        try {
            alternatives = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return names;
        }
        if (alternatives == null) {
            return names;
        }
        for (List<?> alternative : alternatives) {
            Object type = alternative.get(0);
            String value = String.valueOf(alternative.get(1));
            if (Integer.valueOf(DNS_NAME).equals(type)) {
                names.add(value.toLowerCase(Locale.ROOT));
            } else if (Integer.valueOf(IP_ADDRESS).equals(type)) {
                try {
                    names.add(IpAddresses.canonical(value));
                } catch (IllegalArgumentException notOneOfOurs) {
                    // an address autotls would never name (e.g. IPv4-mapped): it covers none of our names
                }
            }
        }
        return names;
    }
}
