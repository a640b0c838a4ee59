package dev.autotls.internal.jetty;

import dev.autotls.internal.tls.CertificateRegistry;
import dev.autotls.internal.tls.LocalAddresses;
import dev.autotls.internal.tls.RegistryKeyManager;
import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Builds the connectors autotls adds to a Jetty server.
 *
 * <p>The HTTPS connector's {@link SslContextFactory} gets one {@link SSLContext} whose only
 * key manager reads the {@link CertificateRegistry}. Certificates are swapped by publishing
 * into the registry, so the context, the connector and open connections are never touched.
 */
public final class TlsConnectors {
    private TlsConnectors() {
    }

    /** An SSL context whose server certificates all come from {@code registry}. */
    public static SSLContext sslContext(CertificateRegistry registry) {
        return sslContext(new RegistryKeyManager(registry));
    }

    /** An SSL context whose server certificates all come from {@code keyManager}. */
    public static SSLContext sslContext(RegistryKeyManager keyManager) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {keyManager}, null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no TLS implementation", e);
        }
    }

    /** The HTTPS connector, serving the certificates of {@code sslContext}. */
    public static ServerConnector https(Server server, SSLContext sslContext, String host, int port) {
        ServerConnector connector = https(server, host, port);
        connector.getConnectionFactory(SslConnectionFactory.class).getSslContextFactory().setSslContext(sslContext);
        return connector;
    }

    /** {@link #https(Server, String, int, LocalAddresses)} without noting local addresses (not serving IP certificates). */
    public static ServerConnector https(Server server, String host, int port) {
        return https(server, host, port, null);
    }

    /**
     * The HTTPS connector: TLS with ALPN, HTTP/2 preferred, HTTP/1.1 as fallback, and
     * {@code acme-tls/1} for tls-alpn-01 validation; its factory is attached afterwards.
     *
     * @param addresses where each connection's local address is noted (for IP certificates), or null
     */
    public static ServerConnector https(Server server, String host, int port, LocalAddresses addresses) {
        HttpConfiguration config = new HttpConfiguration();
        config.setSecureScheme("https");
        config.setSecurePort(port);
        config.setSendServerVersion(false);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // the key manager already picks the certificate by SNI; Jetty's own check only knows keystore certificates
        secure.setSniHostCheck(false);
        config.addCustomizer(secure);

        HttpConnectionFactory http11 = new HttpConnectionFactory(config);
        HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(config);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http11.getProtocol());

        SslContextFactory.Server tls = new SslContextFactory.Server();
        SslConnectionFactory tlsFactory = addresses == null ? new SslConnectionFactory(tls, alpn.getProtocol())
                : new LocalAddressRecorder(tls, alpn.getProtocol(), addresses);

        ServerConnector connector = new ServerConnector(server, tlsFactory, alpn, http2, http11);
        connector.setName("autotls-https");
        connector.setHost(host);
        connector.setPort(port);
        acceptAcmeTls(connector);
        return connector;
    }

    /**
     * Lets ALPN on {@code connector} negotiate {@code acme-tls/1} (RFC 8737's tls-alpn-01), after
     * every protocol it already offers; such a connection is closed right after its handshake.
     * Nothing changes for a connector without ALPN or one that already accepts it. Before start.
     *
     * @return whether the connector negotiates {@code acme-tls/1} now (false: it has no ALPN)
     */
    public static boolean acceptAcmeTls(ServerConnector connector) {
        return AcmeTlsConnectionFactory.acceptOn(connector);
    }

    /** The plain HTTP connector (ACME http-01 answers and redirects to HTTPS). */
    public static ServerConnector http(Server server, String host, int port, int httpsPort) {
        HttpConfiguration config = new HttpConfiguration();
        config.setSecureScheme("https");
        config.setSecurePort(httpsPort);
        config.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(config));
        connector.setName("autotls-http");
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }
}
