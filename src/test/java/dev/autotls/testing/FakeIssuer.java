package dev.autotls.testing;

import dev.autotls.internal.acme.ChallengeStrategy;
import dev.autotls.internal.acme.IssuedCertificate;
import dev.autotls.internal.acme.Issuer;
import dev.autotls.internal.acme.RenewalWindow;
import dev.autotls.internal.acme.ReplacementRefusedException;
import dev.autotls.internal.tls.KeyType;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.TransientException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * An {@link Issuer} for unit tests of the engine: it signs certificates itself (valid from the
 * test clock's now for {@link #lifetime}), answers renewal windows the test sets, and fails as
 * the test queues failures. Every call is counted, so a test asserts what the engine asked.
 */
public final class FakeIssuer implements Issuer {
    private final String id;
    private final Clock clock;
    private final KeyPair caKey;
    private volatile Duration lifetime = Duration.ofDays(90);
    private final Deque<AutoTlsException> failures = new ArrayDeque<>();
    private volatile AutoTlsException probeFailure;
    private volatile AutoTlsException windowFailure;
    private volatile AutoTlsException warmUpFailure;
    private volatile Function<X509Certificate, Optional<RenewalWindow>> windows = leaf -> Optional.empty();
    /** The names of every order, in order; and the certificate each renewed (null for a first order). */
    public final List<List<String>> orders = new CopyOnWriteArrayList<>();
    public final List<Optional<X509Certificate>> replaced = new CopyOnWriteArrayList<>();
    public final AtomicInteger windowRequests = new AtomicInteger();
    public final AtomicInteger probes = new AtomicInteger();
    public final AtomicInteger warmUps = new AtomicInteger();
    /** Runs inside each order before it returns (a test stops the engine or takes the lease there). */
    private volatile Runnable duringOrder = () -> { };

    public FakeIssuer(String id, Clock clock) {
        this.id = id;
        this.clock = clock;
        this.caKey = ecKey();
    }

    public FakeIssuer lifetime(Duration value) {
        this.lifetime = value;
        return this;
    }

    /** The next order fails with {@code error} (queued: one failure per order). */
    public synchronized FakeIssuer failNext(AutoTlsException error) {
        failures.add(error);
        return this;
    }

    /** The probe fails with {@code error} until set to null. */
    public FakeIssuer failProbe(AutoTlsException error) {
        this.probeFailure = error;
        return this;
    }

    /** The warm-up fails with {@code error} until set to null. */
    public FakeIssuer failWarmUp(AutoTlsException error) {
        this.warmUpFailure = error;
        return this;
    }

    /** Renewal-window requests fail with {@code error} until set to null. */
    public FakeIssuer failWindows(AutoTlsException error) {
        this.windowFailure = error;
        return this;
    }

    public FakeIssuer windows(Function<X509Certificate, Optional<RenewalWindow>> answer) {
        this.windows = answer;
        return this;
    }

    public FakeIssuer duringOrder(Runnable action) {
        this.duringOrder = action;
        return this;
    }

    @Override
    public String id() {
        return id;
    }

    /** Whether renewals go out as ARI replacements here (the order queue lets those pass uncounted). */
    private volatile boolean announcesReplacements;

    public FakeIssuer announcingReplacements(boolean value) {
        announcesReplacements = value;
        return this;
    }

    @Override
    public boolean announcesReplacements() {
        return announcesReplacements;
    }

    /**
     * Whether an order naming the certificate it replaces is refused, as a CA refuses a replacement it
     * cannot honour; {@code aboutTheReplacement}: with an answer about the replacement itself.
     */
    private volatile boolean refusesReplacements;
    private volatile boolean refusalAboutTheReplacement;

    public FakeIssuer refusingReplacements(boolean value, boolean aboutTheReplacement) {
        refusesReplacements = value;
        refusalAboutTheReplacement = aboutTheReplacement;
        return this;
    }

    @Override
    public IssuedCertificate obtain(List<String> names, ChallengeStrategy strategy, KeyType keyType,
                                    Optional<X509Certificate> replacing) throws AutoTlsException, InterruptedException {
        orders.add(List.copyOf(names));
        replaced.add(replacing);
        if (refusesReplacements && replacing.isPresent()) {
            BigInteger serial = replacing.get().getSerialNumber();
            throw new ReplacementRefusedException("the CA at " + id + " refused the order for " + names + " that names certificate "
                    + serial.toString(16) + " as the one it replaces", null, serial, refusalAboutTheReplacement);
        }
        AutoTlsException failure;
        synchronized (this) {
            failure = failures.poll();
        }
        duringOrder.run();
        if (failure != null) {
            throw failure;
        }
        KeyPair key = ecKey();
        X509Certificate leaf = sign(names, key);
        return new IssuedCertificate(names, key, List.of(leaf), List.of("fake-01"));
    }

    @Override
    public Optional<RenewalWindow> renewalWindow(X509Certificate certificate) throws AutoTlsException {
        windowRequests.incrementAndGet();
        AutoTlsException failure = windowFailure;
        if (failure != null) {
            throw failure;
        }
        return windows.apply(certificate);
    }

    @Override
    public void probe() throws TransientException {
        probes.incrementAndGet();
        AutoTlsException failure = probeFailure;
        if (failure instanceof TransientException transientFailure) {
            throw transientFailure;
        }
    }

    @Override
    public void warmUp() throws AutoTlsException {
        warmUps.incrementAndGet();
        AutoTlsException failure = warmUpFailure;
        if (failure != null) {
            throw failure;
        }
    }

    private X509Certificate sign(List<String> names, KeyPair key) {
        try {
            Instant from = clock.instant().minusSeconds(1);
            X500Name issuer = new X500Name("CN=" + id);
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    new BigInteger(64, new java.security.SecureRandom()), Date.from(from), Date.from(from.plus(lifetime)),
                    new X500Name("CN=" + names.get(0)), key.getPublic());
            GeneralName[] sans = names.stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ecKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
