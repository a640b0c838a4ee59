package dev.autotls.internal.jetty;

import dev.autotls.internal.tls.LocalAddresses;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The TLS factory of the HTTPS connector autotls installs: Jetty's, plus a note of the local
 * address each connection arrived at, so that a handshake without SNI can be given the IP
 * address certificate of that address (see {@link LocalAddresses}). Only while address
 * certificates are served; the note goes when the connection closes.
 */
final class LocalAddressRecorder extends SslConnectionFactory {
    private final LocalAddresses addresses;

    LocalAddressRecorder(SslContextFactory.Server factory, String nextProtocol, LocalAddresses addresses) {
        super(factory, nextProtocol);
        this.addresses = addresses;
    }

    @Override
    protected SslConnection newSslConnection(Connector connector, EndPoint endPoint, SSLEngine engine) {
        SslConnection connection = super.newSslConnection(connector, endPoint, engine);
        SocketAddress local = endPoint.getLocalSocketAddress();
        if (addresses.wanted() && local instanceof InetSocketAddress) {
            addresses.record(engine, ((InetSocketAddress) local).getAddress());
            connection.addEventListener(new Connection.Listener() {
                @Override
                public void onClosed(Connection closed) {
                    addresses.forget(engine);
                }
            });
        }
        return connection;
    }
}
