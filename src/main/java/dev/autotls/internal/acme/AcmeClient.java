package dev.autotls.internal.acme;

import dev.autotls.internal.tls.KeyType;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.StorageException;
import dev.autotls.spi.TransientException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Metadata;
import org.shredzone.acme4j.RenewalInfo;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.connector.Resource;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeProtocolException;

/**
 * One CA, as the certificate manager sees it: a session (directory fetched lazily, so a
 * CA that is down at start-up costs nothing until the first attempt), the account login,
 * orders, and the CA's renewal windows (ARI) where it offers them. Every failure comes out as
 * one of the three {@link AutoTlsException} kinds ({@link CaFailures}). Thread-safe.
 */
public final class AcmeClient implements Issuer {
    private final Session session;
    private final AccountService accounts;
    private final OrderFlow flow;
    private final SessionPool sessions;
    private final ObservedHttpClient probeClient;
    /** Dates relative Retry-After answers; the engine's clock, so a test that moves it moves them too. */
    private final Clock clock;
    private volatile Login login;
    /** Set by tools that must not register an account as a side effect (doctor). */
    private volatile boolean newAccountRefused;
    /** How the person gave this CA's settings, for the sentences of its failures. */
    private final CaSettingNames names;

    public AcmeClient(URI directory, TrustingAcmeProvider provider, AccountService accounts, OrderFlow flow,
                      Optional<ProxySetting> proxy, Clock clock, CaSettingNames names) {
        this.clock = clock;
        this.names = names;
        this.session = session(directory, provider, proxy);
        this.sessions = new SessionPool(session, () -> session(directory, provider, proxy));
        this.accounts = accounts;
        this.flow = flow;
        this.probeClient = provider.createHttpClient(session.networkSettings());
    }

    /** The failure of an operation on {@code used}, with what the CA last answered there. */
    private AutoTlsException failure(AcmeException error, Session used) {
        return CaFailures.classify(error, directory(), clock, ObservedHttpClient.of(used).flatMap(ObservedHttpClient::last),
                names);
    }

    private AutoTlsException failure(AcmeProtocolException error, Session used) {
        return CaFailures.classify(error, directory(), ObservedHttpClient.of(used).flatMap(ObservedHttpClient::last));
    }

    /** How the person gave this CA's settings. */
    public CaSettingNames settingNames() {
        return names;
    }

    /** Starts an operation on {@code used}: an earlier operation's answer must not be taken for its own. */
    private static void forget(Session used) {
        ObservedHttpClient.of(used).ifPresent(ObservedHttpClient::forget);
    }

    private static Session session(URI directory, TrustingAcmeProvider provider, Optional<ProxySetting> proxy) {
        Session session = new Session(directory, provider);
        proxy.ifPresent(setting -> setting.applyTo(session.networkSettings()));
        return session;
    }

    /**
     * Does the first order's slow steps ahead of it: reads the directory, logs the account in
     * (from the store, or registering under the account's lease as {@link #login} does) and
     * prepares a nonce and the signing code ({@link CaWarmUp}). Whatever fails here, the
     * order meets again and reports.
     */
    @Override
    public void warmUp() throws AutoTlsException, InterruptedException {
        metadata();
        Login current = login();
        forget(session);
        try {
            CaWarmUp.afterLogin(session, current);
        } catch (AcmeException e) {
            throw failure(e, session);
        } catch (AcmeProtocolException e) {
            throw failure(e, session);
        } catch (IOException e) {
            throw new TransientException("preparing a CSR failed: " + e.getMessage(), e);
        }
    }

    public URI directory() {
        return session.getServerUri();
    }

    /**
     * From now on {@link #login} throws a {@link PreflightException} instead of registering an
     * account when none is stored: a check must not create what it checks.
     */
    public void refuseNewAccount() {
        newAccountRefused = true;
    }

    /** The stored account URL for this CA, if an account was registered before; never asks the CA. */
    public Optional<java.net.URL> storedAccountUrl() throws IOException {
        return accounts.storedAccountUrl();
    }

    /** The account login, registering the account on first use (unless {@link #refuseNewAccount}). */
    public Login login() throws AutoTlsException, InterruptedException {
        Login current = login;
        if (current == null) {
            synchronized (this) {
                current = login;
                if (current == null) {
                    try {
                        if (newAccountRefused && accounts.storedAccountUrl().isEmpty()) {
                            throw new PreflightException("no ACME account is stored for " + directory() + " yet, so the "
                                    + "records that name it cannot be checked; run `records` (it creates the account and "
                                    + "prints them), publish them, then check again");
                        }
                        forget(session);
                        current = accounts.login(session);
                    } catch (IOException e) {
                        if (e instanceof java.io.InterruptedIOException) {
                            throw new InterruptedException(e.getMessage());
                        }
                        throw new StorageException("could not read or store the ACME account", e);
                    } catch (AcmeException e) {
                        throw failure(e, session);
                    } catch (AcmeProtocolException e) {
                        throw failure(e, session);
                    }
                    login = current;
                }
            }
        }
        return current;
    }

    public Metadata metadata() throws AutoTlsException {
        forget(session);
        try {
            return session.getMetadata();
        } catch (AcmeException e) {
            throw failure(e, session);
        } catch (AcmeProtocolException e) {
            throw failure(e, session);
        }
    }

    @Override
    public String id() {
        return directory().toString();
    }

    /** Orders and downloads a certificate for {@code names}. */
    @Override
    public IssuedCertificate obtain(List<String> names, ChallengeStrategy strategy, KeyType keyType,
                                    Optional<X509Certificate> replacing) throws AutoTlsException, InterruptedException {
        Login onThisThread = sessions.onThisThread(login());
        Session used = onThisThread.getSession();
        forget(used);
        try {
            return flow.obtain(onThisThread, names, strategy, keyType, replacing);
        } catch (AcmeException e) {
            throw failure(e, used);
        } catch (AcmeProtocolException e) {
            throw failure(e, used);
        } catch (IOException e) {
            // DNS servers, the acme-dns server, the store of http-01 answers: the name's problem, not the CA's
            throw new NotTheCaException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
    }

    /** Whether the CA's directory offers renewal information, so a renewal's order carries {@code replaces} ({@link OrderFlow}). */
    @Override
    public boolean announcesReplacements() {
        try {
            return session.resourceUrlOptional(Resource.RENEWAL_INFO).isPresent();
        } catch (AcmeException | AcmeProtocolException e) {
            return false; // the directory cannot be read now: count the order, which costs at most a slot
        }
    }

    /**
     * The CA's suggested renewal window for {@code certificate}; empty when the CA has no ARI,
     * or its answer is no usable window (its end not after its start).
     */
    @Override
    public Optional<RenewalWindow> renewalWindow(X509Certificate certificate) throws AutoTlsException, InterruptedException {
        Session used = session;
        forget(used);
        try {
            if (session.resourceUrlOptional(Resource.RENEWAL_INFO).isEmpty()) {
                return Optional.empty();
            }
            Login onThisThread = sessions.onThisThread(login());
            used = onThisThread.getSession();
            forget(used);
            RenewalInfo info = onThisThread.bindRenewalInfo(certificate);
            Optional<Instant> retryAfter = info.fetch();
            Instant start = info.getSuggestedWindowStart();
            Instant end = info.getSuggestedWindowEnd();
            Optional<Instant> askAgain = retryAfter.map(at -> CaExchange.clamp(at, clock.instant()));
            if (start == null || end == null || !end.isAfter(start)) {
                return Optional.empty();
            }
            return Optional.of(new RenewalWindow(start, end, askAgain));
        } catch (AcmeException e) {
            throw failure(e, used);
        } catch (AcmeProtocolException e) {
            throw failure(e, used);
        }
    }

    /**
     * One cheap request that says whether the CA answers at all: a GET of its directory. Used
     * while the CA is failing, instead of letting every certificate try an order.
     *
     * @throws TransientException if it does not answer 200
     */
    @Override
    public void probe() throws TransientException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(directory()).timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<Void> answer = probeClient.send(request, HttpResponse.BodyHandlers.discarding());
            if (answer.statusCode() != 200) {
                throw new TransientException("the CA at " + CaFailures.hostAndPort(directory()) + " answered HTTP "
                        + answer.statusCode() + " for its directory", null, true,
                        probeClient.last().flatMap(CaExchange::retryAfter).orElse(null));
            }
        } catch (IOException e) {
            throw new TransientException("could not reach the CA at " + CaFailures.hostAndPort(directory()) + ": "
                    + CaFailures.network(e, directory().getHost(), names), e, true, null);
        }
    }

    /**
     * A GET of the CA's directory, as it answered (status, headers such as {@code Date}, body),
     * through the same trust and proxy as every other request to the CA.
     */
    public HttpResponse<String> fetchDirectory() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(directory()).timeout(Duration.ofSeconds(10)).GET().build();
        return probeClient.send(request, HttpResponse.BodyHandlers.ofString());
    }

}
