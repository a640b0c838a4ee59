package dev.autotls.acme;

import dev.autotls.tls.KeyType;
import java.io.IOException;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Metadata;
import org.shredzone.acme4j.RenewalInfo;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.connector.Resource;
import org.shredzone.acme4j.exception.AcmeException;

/**
 * One CA, as the certificate manager sees it: a session (directory fetched lazily, so a
 * CA that is down at start-up costs nothing until the first attempt), the account login,
 * orders, and the CA's renewal windows (ARI) where it offers them. Thread-safe.
 */
public final class AcmeClient {
    private final Session session;
    private final AccountService accounts;
    private final OrderFlow flow;
    private volatile Login login;

    public AcmeClient(URI directory, TrustingAcmeProvider provider, AccountService accounts, OrderFlow flow) {
        this.session = new Session(directory, provider);
        this.accounts = accounts;
        this.flow = flow;
    }

    public URI directory() {
        return session.getServerUri();
    }

    /** The account login, registering the account on first use. */
    public Login login() throws IOException, AcmeException {
        Login current = login;
        if (current == null) {
            synchronized (this) {
                current = login;
                if (current == null) {
                    current = accounts.login(session);
                    login = current;
                }
            }
        }
        return current;
    }

    public Metadata metadata() throws AcmeException {
        return session.getMetadata();
    }

    /** Orders and downloads a certificate for {@code names}. */
    public IssuedCertificate obtain(List<String> names, ChallengeStrategy strategy, KeyType keyType,
                                    Optional<X509Certificate> replacing) throws Exception {
        return flow.obtain(login(), names, strategy, keyType, replacing);
    }

    /** The CA's suggested renewal window for {@code certificate}; empty when the CA has no ARI. */
    public Optional<RenewalWindow> renewalWindow(X509Certificate certificate) throws IOException, AcmeException {
        if (session.resourceUrlOptional(Resource.RENEWAL_INFO).isEmpty()) {
            return Optional.empty();
        }
        RenewalInfo info = login().bindRenewalInfo(certificate);
        Optional<Instant> retryAfter = info.fetch();
        return Optional.of(new RenewalWindow(info.getSuggestedWindowStart(), info.getSuggestedWindowEnd(), retryAfter));
    }

    /** A renewal window as the CA suggested it, and when to ask again. */
    public record RenewalWindow(Instant start, Instant end, Optional<Instant> askAgainAt) {
    }
}
