package dev.autotls.testing;

import dev.autotls.AutoTls;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/** A Jetty server with a one-line page and autotls installed as an application would. */
public final class Site implements AutoCloseable {
    public final Server server;
    public final AutoTls autoTls;

    private Site(Server server, AutoTls autoTls) {
        this.server = server;
        this.autoTls = autoTls;
    }

    public static Site start(AutoTls.Builder builder) throws Exception {
        Site site = installed(builder);
        site.server.start();
        return site;
    }

    /** Installed, so its ports are bound (connections wait in the backlog), but not started. */
    public static Site installed(AutoTls.Builder builder) {
        Server server = new Server();
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.write(true, ByteBuffer.wrap(("Hello " + Request.getServerName(request)).getBytes(StandardCharsets.UTF_8)),
                        callback);
                return true;
            }
        });
        AutoTls autoTls = builder.build().installOn(server);
        return new Site(server, autoTls);
    }

    public int httpsPort() {
        return autoTls.httpsPort();
    }

    /**
     * Stops the server and destroys autotls, as an application ending would: a store it opened is
     * closed, so no pool outlives the test and keeps logging against a database that has gone.
     */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the test server did not stop", e);
        } finally {
            autoTls.destroy();
        }
    }
}
