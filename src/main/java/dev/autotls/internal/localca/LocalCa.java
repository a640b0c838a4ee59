package dev.autotls.internal.localca;

import dev.autotls.internal.acme.ChallengeStrategy;
import dev.autotls.internal.acme.IssuedCertificate;
import dev.autotls.internal.acme.Issuer;
import dev.autotls.internal.acme.RenewalWindow;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.internal.tls.KeyType;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.OwnerActionException;
import dev.autotls.spi.StorageException;
import dev.autotls.spi.TransientException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The built-in local CA as an {@link Issuer}: signs {@link AuthorityCertificates#LEAF_LIFETIME}
 * certificates for local names ({@link LocalNames}) in process, with the one intermediate kept in
 * the store, so the engine renews them like any other (at the last third: it offers no renewal window).
 * It proves nothing and asks no one: there is no challenge, no account and no terms of service.
 */
public final class LocalCa implements Issuer {
    /** The issuer's id in logs, status and {@code issuedBy}. */
    public static final String ID = "local";

    private final AuthorityStore authorities;
    private final Clock clock;
    /** The authority read or made on first use; it never changes while this process runs. */
    private volatile Authority current;

    public LocalCa(AuthorityStore authorities, Clock clock) {
        this.authorities = authorities;
        this.clock = clock;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public IssuedCertificate obtain(List<String> names, ChallengeStrategy strategy, KeyType keyType,
                                    Optional<X509Certificate> replacing) throws AutoTlsException, InterruptedException {
        String outside = LocalNames.firstPublic(names);
        if (outside != null) {
            // configuration refuses this at start; a name added at run time meets it here
            throw new OwnerActionException("the local CA issues only for " + LocalNames.described() + ", not for " + outside
                    + "; use an ACME CA for it");
        }
        Authority authority = authority();
        KeyPair keyPair = keyType.generate();
        try {
            X509Certificate leaf = AuthorityCertificates.leaf(names, keyPair.getPublic(), authority.intermediate(),
                    authority.intermediateKey().getPrivate(), clock.instant());
            return new IssuedCertificate(names, keyPair, List.of(leaf, authority.intermediate()), List.of());
        } catch (GeneralSecurityException e) {
            throw new TransientException("the local CA could not sign a certificate for " + names + ": " + e.getMessage(), e);
        }
    }

    /** None: the engine's own plan (renew in the last third) is the right one for a 7-day certificate. */
    @Override
    public Optional<RenewalWindow> renewalWindow(X509Certificate certificate) {
        return Optional.empty();
    }

    /** Always answers: it lives in this process. */
    @Override
    public void probe() {
    }

    /** Reads (or, the first time, makes) the root and intermediate at start, so the first order only signs. */
    @Override
    public void warmUp() throws AutoTlsException, InterruptedException {
        authority();
    }

    /**
     * The root and intermediate, read (or made) once. They are never renewed: the root's key is not
     * kept, so when the ten years are over the only way on is a new root, trusted again.
     */
    public Authority authority() throws AutoTlsException, InterruptedException {
        Authority known = current;
        if (known == null) {
            try {
                known = authorities.loadOrCreate();
            } catch (IOException e) {
                throw new StorageException("could not read or make the local CA's root and intermediate: " + e.getMessage(), e);
            }
            current = known;
        }
        if (known.ended(clock.instant())) {
            throw new OwnerActionException("the local CA's root and intermediate ended at " + known.intermediateEnd()
                    + "; delete " + StorageKeys.LOCAL_FOLDER + "/ca from the storage so that a new root is made, then run "
                    + "`java -jar autotls.jar trust` again");
        }
        return known;
    }
}
