package dev.autotls.internal.store;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;

/**
 * What a stored certificate's {@code meta.json} says of it, read without its key and chain: enough to
 * know whether it is valid, whom it covers and when it falls due, for a small fraction of a full read.
 * It is not checked against the key and chain (a full {@link CertificateFiles#load} does that).
 *
 * @param names     the names it was ordered for
 * @param serial    the leaf's serial number
 * @param issuer    the leaf's issuer (distinguished name), or null when the certificate was stored by a
 *                  version that did not write it
 * @param notBefore start of validity
 * @param notAfter  end of validity
 * @param issuedAt  when it was issued
 */
public record StoredMetadata(List<String> names, BigInteger serial, String issuer, Instant notBefore, Instant notAfter,
                             Instant issuedAt) {
    public StoredMetadata {
        names = List.copyOf(names);
    }
}
