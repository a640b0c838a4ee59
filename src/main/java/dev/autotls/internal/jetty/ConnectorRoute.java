package dev.autotls.internal.jetty;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
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

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getConnectionMetaData().getConnector() == connector) {
            return target.handle(request, response, callback);
        }
        return super.handle(request, response, callback);
    }
}
