package dev.autotls.internal.ops;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The leaf certificate a TLS port serves for a name, read in one handshake. It is only compared
 * byte for byte with what the storage holds, never trusted, so the handshake accepts any chain:
 * a temporary self-signed certificate must be readable too.
 */
final class ServedCertificate {
    private ServedCertificate() {
    }

    /** Empty when nothing answers there, or not with TLS. */
    static Optional<X509Certificate> fetch(InetSocketAddress address, String serverName, Duration patience) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new ReadOnly()}, null);
            try (Socket plain = new Socket()) {
                plain.connect(address, (int) patience.toMillis());
                plain.setSoTimeout((int) patience.toMillis());
                try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, address.getHostString(),
                        address.getPort(), false)) {
                    SSLParameters parameters = tls.getSSLParameters();
                    parameters.setServerNames(List.of(new SNIHostName(serverName)));
                    tls.setSSLParameters(parameters);
                    tls.startHandshake();
                    Certificate[] chain = tls.getSession().getPeerCertificates();
                    return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? Optional.of(leaf) : Optional.empty();
                }
            }
        } catch (IOException | GeneralSecurityException | IllegalArgumentException nothingThere) {
            return Optional.empty();
        }
    }

    /** Accepts every server chain: the caller compares the leaf with a stored one instead of trusting it. */
    private static final class ReadOnly implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("a client-side trust manager only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // read, not trusted: see the class comment
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
