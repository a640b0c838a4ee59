package dev.autotls.internal.store;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * A certificate as kept in storage: the names it was ordered for, its key pair, its
 * full chain (leaf first) and when it was issued. Immutable.
 */
public record StoredCertificate(List<String> names, KeyPair keyPair, List<X509Certificate> chain, Instant issuedAt) {
    public StoredCertificate {
        names = List.copyOf(names);
        chain = List.copyOf(chain);
        if (names.isEmpty() || chain.isEmpty()) {
            throw new IllegalArgumentException("a stored certificate needs names and a chain");
        }
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    public Instant notBefore() {
        return leaf().getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }
}
