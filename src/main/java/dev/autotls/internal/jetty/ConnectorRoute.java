package dev.autotls.internal.jetty;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/** Sends what arrives on one connector to its own handler (the management listener) and the rest on down the chain. */
final class ConnectorRoute extends Handler.Wrapper {
    private final Connector connector;
    private final Handler target;

    ConnectorRoute(Connector connector, Handler target) {
        this.connector = connector;
        this.target = target;
        addBean(target);
    }

    /**
     * The target is a bean, not the wrapped handler, so Jetty's {@code Handler.Wrapper} does not pass the server on to
     * it; without one its start logs a false "No Server set" warning (issue 23, item 7).
     */
    @Override
    public void setServer(Server server) {
        super.setServer(server);
        target.setServer(server);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getConnectionMetaData().getConnector() == connector) {
            return target.handle(request, response, callback);
        }
        return super.handle(request, response, callback);
    }
}
