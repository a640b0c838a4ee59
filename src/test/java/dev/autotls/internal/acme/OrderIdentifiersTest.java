package dev.autotls.internal.acme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.tls.KeyType;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.Identifier;

/** An order names an address by an IP identifier (RFC 8738), and its CSR carries it as an iPAddress SAN. */
class OrderIdentifiersTest {

    @Test
    void addressesBecomeIpIdentifiersAndDomainNamesDnsOnes() throws Exception {
        List<Identifier> identifiers = OrderFlow.identifiers(List.of("example.com", "*.example.com", "192.0.2.1", "2001:db8::1"));
        assertThat(identifiers).containsExactly(Identifier.dns("example.com"), Identifier.dns("*.example.com"),
                new Identifier(Identifier.TYPE_IP, "192.0.2.1"), new Identifier(Identifier.TYPE_IP, "2001:db8::1"));
        // RFC 8738 section 3: IPv6 in RFC 5952 text, not the JDK's 2001:db8:0:0:0:0:0:1
        assertThat(identifiers.get(3).getValue()).isEqualTo("2001:db8::1");
        assertThat(identifiers.get(3).getIP()).isEqualTo(InetAddress.getByName("2001:db8::1"));
    }

    @Test
    void theCsrOfAnAddressHasAnIpAddressSan() throws Exception {
        byte[] der = OrderFlow.csr(List.of("127.0.0.1"), KeyType.EC256.generate());
        assertThat(sans(der)).containsExactly(GeneralName.iPAddress + ":" + "7f000001");
        byte[] v6 = OrderFlow.csr(List.of("::1"), KeyType.EC256.generate());
        assertThat(sans(v6)).containsExactly(GeneralName.iPAddress + ":" + "00000000000000000000000000000001");
        byte[] domain = OrderFlow.csr(List.of("example.com"), KeyType.EC256.generate());
        assertThat(sans(domain)).containsExactly(GeneralName.dNSName + ":example.com");
    }

    /** Each SAN of the CSR's extension request as type:value, addresses as hex of their bytes. */
    private static List<String> sans(byte[] der) throws Exception {
        PKCS10CertificationRequest csr = new PKCS10CertificationRequest(der);
        Extensions extensions = Extensions.getInstance(
                csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)[0].getAttrValues().getObjectAt(0));
        List<String> out = new ArrayList<>();
        for (GeneralName name : GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName).getNames()) {
            out.add(name.getTagNo() + ":" + (name.getTagNo() == GeneralName.iPAddress
                    ? org.bouncycastle.util.encoders.Hex.toHexString(ASN1OctetString.getInstance(name.getName()).getOctets())
                    : name.getName().toString()));
        }
        return out;
    }
}
