package dev.autotls.acme;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;

/** What an order yields: the names, the new key pair and the full chain (leaf first). */
public record IssuedCertificate(List<String> names, KeyPair keyPair, List<X509Certificate> chain) {
    public IssuedCertificate {
        names = List.copyOf(names);
        chain = List.copyOf(chain);
    }
}
