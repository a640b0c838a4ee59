package dev.autotls.internal.jetty;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Sits at the top of the server's handler tree. With a connector (autotls made it) it owns
 * everything that arrives on that plain HTTP connector: {@code /.well-known/acme-challenge/<token>}
 * is answered (from memory or the shared store), every other request is redirected (308) to
 * the same path over HTTPS, and requests on other connectors pass through untouched. Without
 * one (attach mode: the connectors are someone else's) it answers challenge requests on any
 * connector and passes everything else through.
 */
public final class HttpChallengeHandler extends Handler.Wrapper {
    static final String CHALLENGE_PREFIX = "/.well-known/acme-challenge/";

    private final Connector httpConnector;
    private final Function<String, Optional<String>> answers;
    private final IntSupplier httpsPort;

    /**
     * @param httpConnector the plain HTTP connector this handler owns, or null to answer challenges on any connector
     * @param answers   the key authorization for a token, if one is being validated
     * @param httpsPort the HTTPS port redirects point to (read late: it may be picked at start)
     */
    public HttpChallengeHandler(Connector httpConnector, Function<String, Optional<String>> answers, IntSupplier httpsPort) {
        this.httpConnector = httpConnector;
        this.answers = answers;
        this.httpsPort = httpsPort;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        boolean owned = httpConnector != null && request.getConnectionMetaData().getConnector() == httpConnector;
        String path = request.getHttpURI().getPath();
        boolean challenge = path != null && path.startsWith(CHALLENGE_PREFIX);
        if (!owned && !(httpConnector == null && challenge)) {
            return super.handle(request, response, callback);
        }
        if (challenge) {
            Optional<String> answer = answers.apply(path.substring(CHALLENGE_PREFIX.length()));
            if (answer.isEmpty()) {
                Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                return true;
            }
            response.setStatus(HttpStatus.OK_200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
            response.write(true, ByteBuffer.wrap(answer.get().getBytes(StandardCharsets.US_ASCII)), callback);
            return true;
        }
        HttpURI uri = request.getHttpURI();
        String host = uri.getHost() == null ? Request.getServerName(request) : uri.getHost();
        int port = httpsPort.getAsInt();
        HttpURI target = HttpURI.build(uri).scheme("https").host(host).port(port == 443 ? -1 : port);
        // the body is left to Jetty, which drains or closes once the exchange ends: reading it here fails where the
        // request arrives read-only (Spring Boot's graceful-shutdown StatisticsHandler wraps this handler)
        Response.sendRedirect(request, response, callback, HttpStatus.PERMANENT_REDIRECT_308, target.asString(), false);
        return true;
    }
}
