package dev.autotls.internal.localca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autotls.internal.acme.IssuedCertificate;
import dev.autotls.internal.store.FileCertificateStore;
import dev.autotls.internal.store.Pem;
import dev.autotls.internal.tls.KeyType;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.OwnerActionException;
import dev.autotls.testing.TempFolders;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The local CA over a real folder store: what it issues, for which names, and how it keeps its root. */
class LocalCaTest {
    private static final String NAME_CONSTRAINTS = "2.5.29.30";
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
    void theRootCarriesTheSameCriticalNameConstraintsForBrowsers() throws Exception {
        Authority authority = new AuthorityStore(new FileCertificateStore(folder), Clock.systemUTC()).loadOrCreate();
        // NSS (Chromium, Firefox) enforces a trusted root's own constraints; Java enforces the intermediate's
        assertTrue(authority.root().getCriticalExtensionOIDs().contains(NAME_CONSTRAINTS));
        assertTrue(authority.intermediate().getCriticalExtensionOIDs().contains(NAME_CONSTRAINTS));
        assertArrayEquals(authority.root().getExtensionValue(NAME_CONSTRAINTS),
                authority.intermediate().getExtensionValue(NAME_CONSTRAINTS));
        assertEquals(authority.root().getNotAfter(), authority.intermediate().getNotAfter(), "one intermediate, as long as the root");
    }

    /**
     * The JDK ignores a trust anchor's name constraints, so a key that could sign a new, unconstrained
     * intermediate under the root would make Java accept any name. With only what the store holds,
     * no path for a public name validates with the root as anchor.
     */
    @Test
    void noKeyInTheStoreMakesAPublicNameValidInJava() throws Exception {
        new AuthorityStore(new FileCertificateStore(folder), Clock.systemUTC()).loadOrCreate();
        Authority stored = new AuthorityStore(new FileCertificateStore(folder), Clock.systemUTC()).load().orElseThrow();
        List<KeyPair> keys = storedKeys();
        assertEquals(List.of(stored.intermediateKey().getPublic()), keys.stream().map(KeyPair::getPublic).toList(),
                "the intermediate's key and no other; never the root's");
        Instant now = Instant.now();
        for (KeyPair key : keys) {
            KeyPair leafKey = KeyType.EC256.generate();
            // signed directly by the intermediate: its own constraints refuse the name
            X509Certificate direct = AuthorityCertificates.leaf(List.of("example.com"), leafKey.getPublic(),
                    stored.intermediate(), key.getPrivate(), now);
            assertThrows(CertPathValidatorException.class,
                    () -> validate(List.of(direct, stored.intermediate()), stored.root(), now));
            // through a new unconstrained intermediate made with the key: it is no key of the root's, so no path
            KeyPair otherKey = KeyType.EC256.generate();
            X509Certificate unconstrained = unconstrainedIntermediate(stored.root(), key, otherKey.getPublic(), now);
            X509Certificate forged = AuthorityCertificates.leaf(List.of("example.com"), leafKey.getPublic(), unconstrained,
                    otherKey.getPrivate(), now);
            assertThrows(CertPathValidatorException.class,
                    () -> validate(List.of(forged, unconstrained), stored.root(), now));
        }
    }

    /** The control for the test above: whoever holds a root's key gets any name past Java's PKIX. */
    @Test
    void javaAcceptsAPublicNameUnderAConstrainedRootWhoseKeyIsHeld() throws Exception {
        Instant now = Instant.now();
        KeyPair rootKey = KeyType.EC256.generate();
        X509Certificate root = AuthorityCertificates.root(rootKey, "c0ffee00", now);
        KeyPair otherKey = KeyType.EC256.generate();
        X509Certificate unconstrained = unconstrainedIntermediate(root, rootKey, otherKey.getPublic(), now);
        X509Certificate forged = AuthorityCertificates.leaf(List.of("example.com"), KeyType.EC256.generate().getPublic(),
                unconstrained, otherKey.getPrivate(), now);
        validate(List.of(forged, unconstrained), root, now); // no exception: the anchor's constraints are ignored
    }

    @Test
    void aRootKeyLeftByTheFirstVersionIsDeleted() throws Exception {
        Authority made = new AuthorityStore(new FileCertificateStore(folder), Clock.systemUTC()).loadOrCreate();
        FileCertificateStore store = new FileCertificateStore(folder);
        store.save("local/ca/root-key.pem", Pem.encodeKeyPair(KeyType.EC256.generate()), CertificateStore.Sensitivity.SECRET);
        Authority again = new AuthorityStore(store, Clock.systemUTC()).loadOrCreate();
        assertEquals(made.root(), again.root());
        assertFalse(Files.exists(folder.resolve("local/ca/root-key.pem")));
    }

    @Test
    void keepsOneRootInTheStoreWithKeysReadableOnlyByItsUser() throws Exception {
        Clock clock = Clock.systemUTC();
        Authority first = new AuthorityStore(new FileCertificateStore(folder), clock).loadOrCreate();
        Authority again = new AuthorityStore(new FileCertificateStore(folder), clock).loadOrCreate();
        assertEquals(first.root(), again.root());
        assertEquals(first.intermediate(), again.intermediate());
        assertEquals(first.intermediateKey().getPrivate(), again.intermediateKey().getPrivate());
        Duration rootLife = Duration.between(first.root().getNotBefore().toInstant(), first.root().getNotAfter().toInstant());
        assertTrue(rootLife.toDays() >= 3652, "ten years: " + rootLife);
        for (String key : List.of("intermediate-key.pem")) {
            Path file = folder.resolve("local/ca").resolve(key);
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(file), key);
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE), Files.getPosixFilePermissions(file.getParent()));
        }
        assertFalse(Files.readString(folder.resolve("local/ca/root.pem")).contains("PRIVATE"));
        assertEquals(List.of("intermediate-key.pem", "intermediate.pem", "root.pem"), new FileCertificateStore(folder).list("local/ca"));
    }

    @Test
    void refusesToSignOnceTheRootHasEnded() throws Exception {
        Instant start = Instant.parse("2030-01-01T00:00:00Z");
        new AuthorityStore(new FileCertificateStore(folder), Clock.fixed(start, ZoneOffset.UTC)).loadOrCreate();
        Clock later = Clock.fixed(start.plus(AuthorityCertificates.ROOT_LIFETIME), ZoneOffset.UTC);
        LocalCa ca = new LocalCa(new AuthorityStore(new FileCertificateStore(folder), later), later);
        OwnerActionException refused = assertThrows(OwnerActionException.class,
                () -> ca.obtain(List.of("localhost"), null, KeyType.EC256, Optional.empty()));
        assertTrue(refused.getMessage().startsWith("the local CA's root and intermediate ended at "), refused.getMessage());
    }

    /** Every key pair stored anywhere in the folder store. */
    private List<KeyPair> storedKeys() throws Exception {
        List<KeyPair> keys = new ArrayList<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] data = Files.readAllBytes(file);
                if (new String(data, StandardCharsets.US_ASCII).contains("PRIVATE KEY")) {
                    keys.add(Pem.decodeKeyPair(data, file.toString()));
                }
            }
        }
        return keys;
    }

    /** A CA certificate without name constraints, named as issued by {@code root}, signed with {@code signer}. */
    private static X509Certificate unconstrainedIntermediate(X509Certificate root, KeyPair signer, PublicKey subjectKey,
                                                             Instant now) throws Exception {
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(root, BigInteger.TEN,
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(30))),
                new X500Principal("CN=forged intermediate"), subjectKey);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
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
