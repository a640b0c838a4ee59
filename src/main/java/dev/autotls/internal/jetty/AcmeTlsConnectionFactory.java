package dev.autotls.internal.jetty;

import dev.autotls.internal.tls.ValidationCertificates;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngineResult;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NegotiatingServerConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.BufferUtil;

/**
 * The {@code acme-tls/1} protocol of RFC 8737 on an HTTPS connector: it only lets ALPN
 * negotiate that name, and once the handshake is done (the key manager has shown the
 * validation certificate) it closes the connection, as the RFC asks; no byte of application
 * data is read or written. Ordinary clients never offer {@code acme-tls/1}, and the server
 * prefers its other protocols, so h2 and http/1.1 are chosen exactly as before.
 */
final class AcmeTlsConnectionFactory extends AbstractConnectionFactory {

    AcmeTlsConnectionFactory() {
        super(ValidationCertificates.ACME_TLS_1);
    }

    /**
     * Makes {@code connector} accept {@code acme-tls/1} handshakes, if it negotiates with ALPN
     * (without ALPN no CA can reach it for tls-alpn-01). Call before the connector starts; a
     * second call changes nothing.
     *
     * @return whether the connector now negotiates {@code acme-tls/1} (false: it has no ALPN)
     */
    static boolean acceptOn(ServerConnector connector) {
        // by protocol name, not by class: jetty-home without its alpn module has no jetty-alpn-server jar
        ConnectionFactory found = connector.getConnectionFactory("alpn");
        if (!(found instanceof NegotiatingServerConnectionFactory)) {
            return false;
        }
        if (connector.getConnectionFactory(ValidationCertificates.ACME_TLS_1) != null) {
            return true;
        }
        NegotiatingServerConnectionFactory alpn = (NegotiatingServerConnectionFactory) found;
        connector.addConnectionFactory(new AcmeTlsConnectionFactory());
        // an empty list means "every protocol of the connector"; a given one (jetty.alpn.protocols) gets it last
        if (!alpn.getNegotiatedProtocols().isEmpty()) {
            alpn.getNegotiatedProtocols().add(ValidationCertificates.ACME_TLS_1);
        }
        return true;
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        return configure(new HandshakeOnly(endPoint, connector), connector, endPoint);
    }

    /**
     * Waits for the handshake to finish, then closes. ALPN picks the protocol while reading the
     * ClientHello, so this connection exists before the client's Finished has arrived; closing at
     * once would cut the handshake (and the CA's validation) short.
     */
    private static final class HandshakeOnly extends AbstractConnection {
        private final ByteBuffer ignored = BufferUtil.allocate(1);

        HandshakeOnly(EndPoint endPoint, Connector connector) {
            super(endPoint, connector.getExecutor());
        }

        @Override
        public void onOpen() {
            super.onOpen();
            closeOnceHandshaken();
        }

        @Override
        public void onFillable() {
            try {
                BufferUtil.clear(ignored);
                if (getEndPoint().fill(ignored) < 0) { // reading drives the rest of the handshake
                    getEndPoint().close();
                    return;
                }
                closeOnceHandshaken();
            } catch (IOException failed) {
                getEndPoint().close();
            }
        }

        private void closeOnceHandshaken() {
            EndPoint endPoint = getEndPoint();
            boolean handshaking = endPoint instanceof SslConnection.SslEndPoint
                    && ((SslConnection.SslEndPoint) endPoint).getSslConnection().getSSLEngine().getHandshakeStatus()
                            != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING;
            if (handshaking) {
                fillInterested();
            } else {
                endPoint.close(); // the handshake was the whole exchange
            }
        }
    }
}
