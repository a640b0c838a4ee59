package dev.autotls.acme;

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
    private final SSLContext sslContext;
    private final java.time.Clock clock;

    private TrustingAcmeProvider(SSLContext sslContext, java.time.Clock clock) {
        this.sslContext = sslContext;
        this.clock = clock;
    }

    /**
     * A provider trusting the JVM's roots plus the certificates in {@code pemFile}, or only the
     * JVM's when null; {@code clock} dates the CA's relative Retry-After answers.
     */
    public static TrustingAcmeProvider create(Path pemFile, java.time.Clock clock) throws IOException, GeneralSecurityException {
        if (pemFile == null) {
            return new TrustingAcmeProvider(SSLContext.getDefault(), clock);
        }
        List<X509Certificate> extra = readCertificates(pemFile);
        KeyStore roots = KeyStore.getInstance(KeyStore.getDefaultType());
        roots.load(null, null);
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
        return new TrustingAcmeProvider(context, clock);
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
    public HttpClient createHttpClient(NetworkSettings networkSettings) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(networkSettings.getTimeout())
                .proxy(networkSettings.getProxySelector())
                .sslContext(sslContext);
        if (networkSettings.getAuthenticator() != null) {
            builder.authenticator(networkSettings.getAuthenticator());
        }
        return new ObservedHttpClient(builder.build(), clock);
    }
}
