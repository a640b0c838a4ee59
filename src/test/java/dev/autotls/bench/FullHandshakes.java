package dev.autotls.bench;

import dev.autotls.testing.TlsClient;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/** Full TLS handshakes with SNI against a local server, as the TLS benchmarks make them. */
final class FullHandshakes {
    private FullHandshakes() {
    }

    /** A client context that trusts any certificate and keeps no session to resume. */
    static SSLContext clientContext() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {TlsClient.trustAll()}, null);
        context.getClientSessionContext().setSessionCacheSize(1);
        return context;
    }

    /** One full handshake with {@code 127.0.0.1:port}, asking for {@code serverName}; the session is dropped after. */
    static void handshake(SSLContext context, int port, String serverName) throws IOException {
        leaf(context, port, serverName);
    }

    /** {@link #handshake}, returning the certificate the server presented. */
    static X509Certificate leaf(SSLContext context, int port, String serverName) throws IOException {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000); // a server that accepts and never answers fails the handshake instead of hanging the bench
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            X509Certificate leaf = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            socket.getSession().invalidate();
            return leaf;
        }
    }
}
