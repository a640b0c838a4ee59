package dev.autotls.internal.cli;

import dev.autotls.AutoTls;
import dev.autotls.ConfigurationException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Runs a small Jetty site with autotls, through exactly the code path an application uses. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a small site (\"Hello from autotls\") over HTTPS with a certificate that autotls obtains "
                + "and renews, through the same code an application uses.")
public final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Server server = new Server();
        server.setHandler(new HelloHandler());
        try {
            AutoTls.builder().commandLine(SettingOptions.given(spec, err)).build().installOn(server);
        } catch (ConfigurationException e) {
            err.println("autotls serve: " + e.getMessage());
            err.flush();
            return 2;
        }
        try {
            server.start();
        } catch (ConfigurationException e) {
            // refused at start (no agreement to the terms for a new account, ...): one sentence, not a stack trace
            err.println("autotls serve: " + e.getMessage());
            err.flush();
            server.stop();
            return 2;
        }
        server.join();
        return 0;
    }

    /** The demo site: one page that says which name and protocol the request came in on. */
    static final class HelloHandler extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String body = "Hello from autotls: " + Request.getServerName(request) + " over "
                    + request.getConnectionMetaData().getProtocol() + "\n";
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
    }
}
