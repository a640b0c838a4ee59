package dev.autotls.internal.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An immutable pairing of a private key with its certificate chain, as served in TLS
 * handshakes. The {@link #alias()} is unique per instance for the life of the JVM, so a
 * handshake that picked this entry keeps getting exactly it even while a newer one is
 * being published. It ends with the first of {@link #names()} (the certificate's first name,
 * after a {@code /} no name holds), so an entry loaded on demand is found again by its alias
 * without a map of aliases beside the cache ({@link #firstNameOf}).
 */
public final class CertifiedKey {
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final List<String> names;
    private final X509Certificate[] chain;
    private final PrivateKey privateKey;
    private final String alias;
    private final boolean selfSigned;

    /**
     * @param names      the DNS names this entry answers for (exact names or {@code *.base})
     * @param chain      leaf first, then intermediates; never empty
     * @param privateKey the key matching the leaf's public key
     * @param selfSigned true for the temporary fallback served until a CA certificate arrives
     */
    public CertifiedKey(List<String> names, List<X509Certificate> chain, PrivateKey privateKey, boolean selfSigned) {
        if (chain.isEmpty() || names.isEmpty()) {
            throw new IllegalArgumentException("an entry needs at least one name and the leaf certificate");
        }
        this.names = List.copyOf(names);
        this.chain = chain.toArray(new X509Certificate[0]);
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.selfSigned = selfSigned;
        this.alias = "autotls-" + SEQUENCE.incrementAndGet() + "/" + this.names.get(0);
    }

    /** The first name an {@link #alias()} ends with, or null when {@code alias} is none of ours. */
    static String firstNameOf(String alias) {
        int slash = alias.indexOf('/');
        return slash < 0 || !alias.startsWith("autotls-") ? null : alias.substring(slash + 1);
    }

    public List<String> names() {
        return names;
    }

    /** The chain, leaf first. A fresh array each call: callers (JSSE) may keep it. */
    public X509Certificate[] chain() {
        return chain.clone();
    }

    public X509Certificate leaf() {
        return chain[0];
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public String alias() {
        return alias;
    }

    public boolean selfSigned() {
        return selfSigned;
    }

    public Instant notBefore() {
        return leaf().getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    /** The JSSE key type of this entry ("EC" or "RSA"), matched against what the client offers. */
    public String keyType() {
        return privateKey.getAlgorithm();
    }

    @Override
    public String toString() {
        return "CertifiedKey" + names + " serial " + leaf().getSerialNumber().toString(16)
                + (selfSigned ? " (self-signed)" : "") + " until " + notAfter();
    }
}
