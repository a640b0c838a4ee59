package dev.autotls.testing;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A permission endpoint for on demand, as an application would run one: answers
 * {@code GET /allowed?domain=NAME&client=ADDRESS} with 200 for the names it allows and 403 for
 * the others, on 127.0.0.1 at a port of its own choosing (port 0), and records every query. A
 * separate Jetty server: the test's, not the one under test.
 */
public final class AskServer implements AutoCloseable {
    private final Server server;
    private int port;
    private final Set<String> allowed = ConcurrentHashMap.newKeySet();
    private final List<Map<String, String>> asked = new CopyOnWriteArrayList<>();
    private volatile boolean allowAll;

    private AskServer(Server server) {
        this.server = server;
    }

    public static AskServer start() throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        AskServer ask = new AskServer(server);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (!"/allowed".equals(Request.getPathInContext(request))) {
                    return false;
                }
                Map<String, String> query = query(request.getHttpURI().toURI());
                ask.asked.add(query);
                boolean yes = ask.allowAll || ask.allowed.contains(query.get("domain"));
                response.setStatus(yes ? 200 : 403);
                response.write(true, null, callback);
                return true;
            }
        });
        server.start();
        ask.port = connector.getLocalPort();
        return ask;
    }

    /** Allows these names from now on. */
    public AskServer allow(String... names) {
        allowed.addAll(List.of(names));
        return this;
    }

    /** Allows every name from now on. */
    public AskServer allowAll() {
        allowAll = true;
        return this;
    }

    /** Refuses every name from now on (also those allowed before). */
    public AskServer refuseAll() {
        allowAll = false;
        allowed.clear();
        return this;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port + "/allowed");
    }

    /** Every query asked, in order, each as its parameters. */
    public List<Map<String, String>> asked() {
        return List.copyOf(asked);
    }

    /** How many times {@code name} was asked about. */
    public long askedFor(String name) {
        return asked.stream().filter(q -> name.equals(q.get("domain"))).count();
    }

    /** Stops answering: connections are refused from now on. */
    public void stop() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the ask endpoint did not stop", e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> parameters = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null) {
            return parameters;
        }
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            parameters.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return parameters;
    }
}
