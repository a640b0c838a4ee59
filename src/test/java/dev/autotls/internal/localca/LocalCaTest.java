package dev.autotls.internal.localca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autotls.internal.acme.IssuedCertificate;
import dev.autotls.internal.store.FileCertificateStore;
import dev.autotls.internal.tls.KeyType;
import dev.autotls.spi.OwnerActionException;
import dev.autotls.testing.TempFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The local CA over a real folder store: what it issues, for which names, and how it keeps its root. */
class LocalCaTest {
    private final Path folder = Path.of("target", "local-ca-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime());

    @AfterEach
    void removeFolder() {
        TempFolders.delete(folder);
    }

    @Test
    void issuesSevenDayCertificatesChainedToItsRootForLocalNames() throws Exception {
        LocalCa ca = new LocalCa(new AuthorityStore(new FileCertificateStore(folder), Clock.systemUTC()), Clock.systemUTC());
        IssuedCertificate issued = ca.obtain(List.of("localhost", "*.localhost"), null, KeyType.EC256, Optional.empty());
        X509Certificate leaf = issued.chain().get(0);
        assertEquals(Duration.ofDays(7).plusMinutes(5),
                Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()));
        assertEquals(leaf.getPublicKey(), issued.keyPair().getPublic());
        assertEquals(2, issued.chain().size(), "leaf and intermediate; the root is what clients trust");
        validate(issued.chain(), ca.authority().root(), Instant.now()); // no exception: a valid path
        for (String name : List.of("app.test", "nas.home.arpa", "db.internal", "a.b.localhost")) {
            validate(ca.obtain(List.of(name), null, KeyType.RSA2048, Optional.empty()).chain(), ca.authority().root(),
                    Instant.now());
        }
    }

    @Test
    void acceptsOnlyLocalNames() {
        for (String local : List.of("localhost", "*.localhost", "x.localhost", "app.test", "*.app.test", "db.internal",
                "nas.home.arpa")) {
            assertTrue(LocalNames.isLocal(local), local);
        }
        for (String outside : List.of("example.com", "test", "*.test", "internal", "home.arpa", "localhost.example.com",
                "testexample.com", "example.test.com", "arpa", "*.internal")) {
            assertFalse(LocalNames.isLocal(outside), outside);
        }
    }

    @Test
    void issuesForLoopbackAndPrivateAddressesWithIpAddressSansWithinTheRootsConstraints() throws Exception {
        LocalCa ca = new LocalCa(new AuthorityStore(new FileCertificateStore(folder), Clock.systemUTC()), Clock.systemUTC());
        for (String address : List.of("127.0.0.1", "10.1.2.3", "172.31.255.254", "192.168.1.10", "::1", "fd12:3456::7")) {
            assertTrue(LocalNames.isLocal(address), address);
            IssuedCertificate issued = ca.obtain(List.of(address), null, KeyType.EC256, Optional.empty());
            X509Certificate leaf = issued.chain().get(0);
            assertEquals(Set.of(address), dev.autotls.internal.tls.AlternativeNames.in(leaf), address);
            assertEquals(7, leaf.getSubjectAlternativeNames().iterator().next().get(0), "an iPAddress SAN for " + address);
            validate(issued.chain(), ca.authority().root(), Instant.now()); // the root's iPAddress subtrees allow it
        }
        for (String outside : List.of("192.0.2.1", "172.32.0.1", "8.8.8.8", "2001:db8::1", "fe80::1")) {
            assertFalse(LocalNames.isLocal(outside), outside);
            assertThrows(OwnerActionException.class, () -> ca.obtain(List.of(outside), null, KeyType.EC256, Optional.empty()));
        }
        assertFalse(LocalNames.isLocalhost("127.0.0.1"), "an ACME CA named in autotls.ca may still validate it");
    }

    @Test
    void refusesToIssueForAPublicName() throws Exception {
        LocalCa ca = new LocalCa(new AuthorityStore(new FileCertificateStore(folder), Clock.systemUTC()), Clock.systemUTC());
        OwnerActionException refused = assertThrows(OwnerActionException.class,
                () -> ca.obtain(List.of("localhost", "example.com"), null, KeyType.EC256, Optional.empty()));
        assertEquals("the local CA issues only for localhost, *.localhost, names under .test, .internal and .home.arpa, and "
                + "loopback and private IP addresses (127.0.0.0/8, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, ::1/128, fc00::/7), "
                + "not for example.com; use an ACME CA for it", refused.getMessage());
    }

    @Test
    void nameConstraintsRefuseAPublicNameSignedWithTheIntermediateKey() throws Exception {
        LocalCa ca = new LocalCa(new AuthorityStore(new FileCertificateStore(folder), Clock.systemUTC()), Clock.systemUTC());
        Authority authority = ca.authority();
        KeyPair key = KeyType.EC256.generate();
        X509Certificate forged = AuthorityCertificates.leaf(List.of("example.com"), key.getPublic(), authority.intermediate(),
                authority.intermediateKey().getPrivate(), Instant.now());
        CertPathValidatorException refused = assertThrows(CertPathValidatorException.class,
                () -> validate(List.of(forged, authority.intermediate()), authority.root(), Instant.now()));
        assertTrue(refused.getMessage().toLowerCase().contains("name constraints"), refused.getMessage());
    }

    @Test
    void nameConstraintsOfTheRootRefuseAPublicNameSignedWithTheRootKey() throws Exception {
        LocalCa ca = new LocalCa(new AuthorityStore(new FileCertificateStore(folder), Clock.systemUTC()), Clock.systemUTC());
        Authority authority = ca.authority();
        KeyPair key = KeyType.EC256.generate();
        X509Certificate forged = AuthorityCertificates.leaf(List.of("example.com"), key.getPublic(), authority.root(),
                authority.rootKey().getPrivate(), Instant.now());
        // The JDK refuses name constraints on a trust anchor, so the root goes into the path instead: a
        // throwaway anchor certifies the root's own name, key and extensions, whose constraints then apply.
        KeyPair anchorKey = KeyType.EC256.generate();
        X509Certificate anchor = AuthorityCertificates.root(anchorKey, Instant.now());
        org.bouncycastle.cert.X509v3CertificateBuilder cross = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
                anchor, java.math.BigInteger.TEN, authority.root().getNotBefore(), authority.root().getNotAfter(),
                authority.root().getSubjectX500Principal(), authority.root().getPublicKey());
        for (String oid : authority.root().getCriticalExtensionOIDs()) {
            cross.copyAndAddExtension(new org.bouncycastle.asn1.ASN1ObjectIdentifier(oid), true,
                    new org.bouncycastle.cert.jcajce.JcaX509CertificateHolder(authority.root()));
        }
        X509Certificate rootInPath = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(cross.build(
                new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(anchorKey.getPrivate())));
        assertTrue(rootInPath.getCriticalExtensionOIDs().contains("2.5.29.30"), "the root's name constraints, critical");
        validate(List.of(ca.obtain(List.of("localhost"), null, KeyType.EC256, Optional.empty()).chain().get(1), rootInPath),
                anchor, Instant.now()); // the real intermediate passes through the certified root
        CertPathValidatorException refused = assertThrows(CertPathValidatorException.class,
                () -> validate(List.of(forged, rootInPath), anchor, Instant.now()));
        assertTrue(refused.getMessage().toLowerCase().contains("name constraints"), refused.getMessage());
    }

    @Test
    void keepsOneRootInTheStoreWithKeysReadableOnlyByItsUser() throws Exception {
        Clock clock = Clock.systemUTC();
        Authority first = new AuthorityStore(new FileCertificateStore(folder), clock).loadOrCreate();
        Authority again = new AuthorityStore(new FileCertificateStore(folder), clock).loadOrCreate();
        assertEquals(first.root(), again.root());
        assertEquals(first.intermediate(), again.intermediate());
        assertEquals(first.rootKey().getPrivate(), again.rootKey().getPrivate());
        Duration rootLife = Duration.between(first.root().getNotBefore().toInstant(), first.root().getNotAfter().toInstant());
        assertTrue(rootLife.toDays() >= 3652, "ten years: " + rootLife);
        for (String key : List.of("root-key.pem", "intermediate-key.pem")) {
            Path file = folder.resolve("local/ca").resolve(key);
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(file), key);
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE), Files.getPosixFilePermissions(file.getParent()));
        }
        assertFalse(Files.readString(folder.resolve("local/ca/root.pem")).contains("PRIVATE"));
    }

    @Test
    void makesANewIntermediateUnderTheSameRootInItsLastThird() throws Exception {
        Instant start = Instant.parse("2030-01-01T00:00:00Z");
        Authority first = new AuthorityStore(new FileCertificateStore(folder), Clock.fixed(start, java.time.ZoneOffset.UTC))
                .loadOrCreate();
        Clock later = Clock.fixed(start.plus(Duration.ofDays(250)), java.time.ZoneOffset.UTC);
        Authority renewed = new AuthorityStore(new FileCertificateStore(folder), later).loadOrCreate();
        assertEquals(first.root(), renewed.root());
        assertFalse(first.intermediate().equals(renewed.intermediate()));
        validate(List.of(renewed.intermediate()), renewed.root(), later.instant());
    }

    private static void validate(List<X509Certificate> chain, X509Certificate root, Instant at) throws Exception {
        validate(chain, new TrustAnchor(root, null), at);
    }

    private static void validate(List<X509Certificate> chain, TrustAnchor anchor, Instant at) throws Exception {
        PKIXParameters parameters = new PKIXParameters(Set.of(anchor));
        parameters.setRevocationEnabled(false);
        parameters.setDate(Date.from(at));
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(chain),
                parameters);
    }
}
