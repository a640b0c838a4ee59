package dev.autotls.internal.acme;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;
import org.shredzone.acme4j.toolbox.JSON;

/**
 * acme4j's generic provider, with extra trusted roots for the CA's own HTTPS endpoint
 * ({@code autotls.ca.trust}). The JVM's default roots stay trusted, so adding a private
 * CA's root never stops a public CA from working. It also keeps the CA's directory for
 * {@link #DIRECTORY_REUSE} rather than reading it again before nearly every request, and
 * records every exchange with the CA ({@link ObservedHttpClient}) for the failure handling.
 */
public final class TrustingAcmeProvider extends GenericAcmeProvider {
    /** How long a fetched directory is used before it is read again. */
    static final Duration DIRECTORY_REUSE = Duration.ofMinutes(10);
    /** The last directory read, for the other sessions of this provider within {@link #DIRECTORY_REUSE}. */
    private record SharedDirectory(URI uri, JSON json, ZonedDateTime until) {
    }

    private volatile SharedDirectory shared;
    /** The extra roots from {@code autotls.ca.trust}, or null for the JVM's alone. */
    private final List<X509Certificate> extraRoots;
    private volatile SSLContext sslContext;
    private final java.time.Clock clock;

    private TrustingAcmeProvider(List<X509Certificate> extraRoots, java.time.Clock clock) {
        this.extraRoots = extraRoots;
        this.clock = clock;
    }

    /**
     * A provider trusting the JVM's roots plus the certificates in {@code pemFile}, or only the
     * JVM's when null; {@code clock} dates the CA's relative Retry-After answers. The file is
     * read here, so a bad one stops start-up; the TLS context (which parses the JVM's whole
     * trust store, a few hundred milliseconds on a cold JVM) is made at the first connection,
     * which the start's warm-up makes in the background, not on the way to {@code server.start()}.
     */
    public static TrustingAcmeProvider create(Path pemFile, java.time.Clock clock) throws IOException, GeneralSecurityException {
        return new TrustingAcmeProvider(pemFile == null ? null : readCertificates(pemFile), clock);
    }

    private SSLContext sslContext() {
        SSLContext context = sslContext;
        if (context == null) {
            synchronized (this) {
                context = sslContext;
                if (context == null) {
                    try {
                        context = extraRoots == null ? SSLContext.getDefault() : combinedContext(extraRoots);
                    } catch (GeneralSecurityException e) {
                        throw new IllegalStateException("the JVM's TLS set-up is unusable: " + e.getMessage(), e);
                    }
                    sslContext = context;
                }
            }
        }
        return context;
    }

    private static SSLContext combinedContext(List<X509Certificate> extra) throws GeneralSecurityException {
        KeyStore roots = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            roots.load(null, null);
        } catch (IOException impossible) { // an empty store reads nothing
            throw new GeneralSecurityException(impossible);
        }
        int index = 0;
        for (X509Certificate certificate : extra) {
            roots.setCertificateEntry("autotls-extra-" + index++, certificate);
        }
        TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        defaults.init((KeyStore) null);
        for (TrustManager manager : defaults.getTrustManagers()) {
            if (manager instanceof X509TrustManager) {
                for (X509Certificate issuer : ((X509TrustManager) manager).getAcceptedIssuers()) {
                    roots.setCertificateEntry("jvm-" + index++, issuer);
                }
            }
        }
        TrustManagerFactory combined = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        combined.init(roots);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, combined.getTrustManagers(), null);
        return context;
    }

    /** Reads every certificate of a PEM file, failing with a message that names the file. */
    public static List<X509Certificate> readCertificates(Path pemFile) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> read;
        try (InputStream in = Files.newInputStream(pemFile)) {
            read = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        List<X509Certificate> certificates = new ArrayList<>();
        for (Certificate certificate : read) {
            certificates.add((X509Certificate) certificate);
        }
        if (certificates.isEmpty()) {
            throw new GeneralSecurityException(pemFile + " holds no PEM certificate");
        }
        return certificates;
    }

    /**
     * Keeps a fetched directory for at least {@link #DIRECTORY_REUSE}: CAs send it with
     * {@code max-age=0}, and acme4j would read it again before nearly every request (five
     * times per order), costing the CA requests and each order tens of milliseconds. Its
     * URLs change far less often than that. Within that time every session of this provider
     * (one per ordering thread, {@link SessionPool}) gets the one read last, without a request.
     */
    @Override
    public synchronized JSON directory(Session session, URI serverUri) throws AcmeException {
        // one read at a time: threads starting together (the warm-up, the first orders) share one request
        SharedDirectory known = shared;
        if (known != null && known.uri().equals(serverUri) && ZonedDateTime.now().isBefore(known.until())) {
            session.setDirectoryExpires(known.until());
            return known.json();
        }
        JSON directory = super.directory(session, serverUri);
        if (directory != null) {
            shared = new SharedDirectory(serverUri, directory, ZonedDateTime.now().plus(DIRECTORY_REUSE));
            ZonedDateTime floor = ZonedDateTime.now().plus(DIRECTORY_REUSE);
            ZonedDateTime expires = session.getDirectoryExpires();
            if (expires == null || expires.isBefore(floor)) {
                session.setDirectoryExpires(floor);
            }
        }
        return directory;
    }

    @Override
    public boolean accepts(URI serverUri) {
        return "https".equals(serverUri.getScheme()) || "http".equals(serverUri.getScheme());
    }

    @Override
    public ObservedHttpClient createHttpClient(NetworkSettings networkSettings) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(networkSettings.getTimeout())
                .proxy(networkSettings.getProxySelector())
                .sslContext(sslContext());
        if (networkSettings.getAuthenticator() != null) {
            builder.authenticator(networkSettings.getAuthenticator());
        }
        return new ObservedHttpClient(builder.build(), clock);
    }
}
