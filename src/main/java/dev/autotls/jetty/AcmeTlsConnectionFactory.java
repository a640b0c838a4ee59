package dev.autotls.jetty;

import dev.autotls.tls.ValidationCertificates;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;

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
     */
    static void acceptOn(ServerConnector connector) {
        ALPNServerConnectionFactory alpn = connector.getConnectionFactory(ALPNServerConnectionFactory.class);
        if (alpn == null || connector.getConnectionFactory(ValidationCertificates.ACME_TLS_1) != null) {
            return;
        }
        connector.addConnectionFactory(new AcmeTlsConnectionFactory());
        // an empty list means "every protocol of the connector"; a given one (jetty.alpn.protocols) gets it last
        if (!alpn.getNegotiatedProtocols().isEmpty()) {
            alpn.getNegotiatedProtocols().add(ValidationCertificates.ACME_TLS_1);
        }
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        return configure(new AbstractConnection(endPoint, connector.getExecutor()) {
            @Override
            public void onOpen() {
                super.onOpen();
                getEndPoint().close(); // the handshake was the whole exchange
            }

            @Override
            public void onFillable() {
                getEndPoint().close();
            }
        }, connector, endPoint);
    }
}
