package dev.autotls.internal.acme;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What an order yields: the names, the new key pair, the full chain (leaf first), and the
 * challenge types that proved control (empty when the CA reused earlier authorizations).
 */
public record IssuedCertificate(List<String> names, KeyPair keyPair, List<X509Certificate> chain, List<String> challengeTypes) {
    public IssuedCertificate {
        names = List.copyOf(names);
        chain = List.copyOf(chain);
        challengeTypes = List.copyOf(challengeTypes);
    }
}
