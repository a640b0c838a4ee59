package dev.autotls.internal.acme;

import dev.autotls.internal.tls.KeyType;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.TransientException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Where the engine gets certificates from: an ACME CA ({@link AcmeClient}), and any other
 * source that fits these four calls (a local CA). Fallback CAs are a list of issuers tried in
 * turn; the engine knows nothing else of them. Implementations are thread-safe and report
 * every failure as one of the three {@link AutoTlsException} kinds.
 */
public interface Issuer {

    /** Names this issuer in logs, status ({@code issuedBy}, {@code tryingCa}) and storage: an ACME directory URL. */
    String id();

    /**
     * A new certificate for {@code names}, proving control through {@code strategy}; {@code replacing}
     * is the certificate it renews (ARI's {@code replaces}), when there is one.
     */
    IssuedCertificate obtain(List<String> names, ChallengeStrategy strategy, KeyType keyType,
                             Optional<X509Certificate> replacing) throws AutoTlsException, InterruptedException;

    /** The issuer's suggested renewal window for {@code certificate}; empty when it suggests none. */
    Optional<RenewalWindow> renewalWindow(X509Certificate certificate) throws AutoTlsException, InterruptedException;

    /**
     * Whether a renewal ordered here goes out with ARI's {@code replaces} (the CA offers renewal
     * information), which Let's Encrypt exempts from its rate limits; false by default.
     */
    default boolean announcesReplacements() {
        return false;
    }

    /**
     * One cheap request that says whether the issuer answers at all, asked while it is failing
     * instead of letting every certificate try an order.
     *
     * @throws TransientException if it does not answer
     */
    void probe() throws TransientException, InterruptedException;

    /**
     * Does the first order's slow steps ahead of it (for an ACME CA: the directory, the account,
     * a nonce), on the warm start's thread; nothing by default. A failure is left for the order.
     */
    default void warmUp() throws AutoTlsException, InterruptedException {
    }
}
