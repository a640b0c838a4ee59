package dev.autotls.internal.acme;

import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.OwnerActionException;
import dev.autotls.spi.TransientException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeNetworkException;
import org.shredzone.acme4j.exception.AcmeProtocolException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.exception.AcmeUserActionRequiredException;

/**
 * Turns what acme4j throws into the three kinds of {@link AutoTlsException}, with a sentence
 * that names the CA's host and port and the cause (unknown host, connection refused, timed out,
 * TLS failure with the certificate problem, HTTP status with the CA's problem detail), and the
 * CA's Retry-After from the answer itself ({@link CaExchange}), whatever the status was.
 *
 * <p>CA-wide (every certificate waits): no answer at all, or a 5xx. Per certificate: 4xx
 * answers, rate limits (Let's Encrypt limits per name and per account, not the whole CA),
 * failed validations. Owner action: problem types that only a person can fix.
 */
public final class CaFailures {
    private CaFailures() {
    }

    /** @param exchange what the CA last answered on the session that failed, if anything */
    static AutoTlsException classify(AcmeException error, URI directory, Clock clock, Optional<CaExchange> exchange,
                                     CaSettingNames names) {
        String where = exchange.map(CaExchange::hostAndPort).orElseGet(() -> hostAndPort(directory));
        Optional<Instant> retryAfter = exchange.flatMap(CaExchange::retryAfter);
        if (error instanceof AcmeNetworkException) {
            return new TransientException("could not reach the CA at " + where + ": " + network(error.getCause(), directory.getHost(), names), error,
                    true, null);
        }
        if (error instanceof AcmeUserActionRequiredException) {
            AcmeUserActionRequiredException action = (AcmeUserActionRequiredException) error;
            return new CaRefusalException("the CA at " + where + " requires an action of yours"
                    + action.getTermsOfServiceUri().map(uri -> " (new terms of service: " + uri + ")").orElse("")
                    + ": " + detail((AcmeServerException) error) + "; after agreeing, restart with autotls.agree-tos=true", error);
        }
        if (error instanceof AcmeRateLimitedException) {
            // the answer's own Retry-After first: read with the maintenance clock, where acme4j reads it with the wall clock
            Optional<Instant> limit = retryAfter.or(() -> ((AcmeRateLimitedException) error).getRetryAfter());
            AcmeServerException server = (AcmeServerException) error;
            List<String> named = server.getProblem().getSubProblems().stream()
                    .flatMap(sub -> sub.getIdentifier().stream()).map(identifier -> identifier.getValue()).toList();
            return new RateLimitedException("the CA at " + where + " rate-limits this request: "
                    + detail(server) + limit.map(at -> "; allowed again at " + at).orElse(""), error,
                    limit.map(at -> CaExchange.clamp(at, clock.instant())).orElse(null), detail(server), named);
        }
        int status = exchange.map(CaExchange::status).orElse(0);
        if (error instanceof AcmeServerException) {
            AcmeServerException server = (AcmeServerException) error;
            String type = type(server);
            String sentence = "the CA at " + where + " answered " + (status > 0 ? "HTTP " + status + " " : "") + type + ": "
                    + detail(server);
            switch (type) {
                case "caa":
                    return new CaRefusalException(sentence + "; a CAA record of the domain forbids this CA: add one that "
                            + "names it (see `doctor` for the exact record), or remove the restriction", error);
                case "externalAccountRequired":
                    return new CaRefusalException(sentence + "; set autotls.eab.kid and autotls.eab.hmac-key (for "
                            + "the second or third CA in autotls.ca: autotls.ca.<n>.eab.*) to the values the CA gave you", error);
                case "rejectedIdentifier":
                case "unsupportedIdentifier":
                    // this CA's policy: no retry with it helps, another CA may issue at once
                    return new CaRefusalException(sentence, error);
                case "unauthorized":
                case "invalidContact":
                case "unsupportedContact":
                    return new OwnerActionException(sentence, error);
                default:
                    return new TransientException(sentence, error, status >= 500 || type.equals("serverInternal")
                            || type.equals("badNonce"), retryAfter.orElse(null));
            }
        }
        if (status >= 500 || status == 0) {
            return new TransientException("the CA at " + where + " " + (status > 0 ? "answered HTTP " + status
                    : "failed: " + error.getMessage()), error, true, retryAfter.orElse(null));
        }
        if (status > 0) {
            return new TransientException("the CA at " + where + " answered HTTP " + status + " (" + error.getMessage() + ")",
                    error, false, retryAfter.orElse(null));
        }
        return new TransientException(error.getMessage(), error, false, retryAfter.orElse(null));
    }

    /** acme4j's unchecked protocol errors (a malformed answer): the CA is misbehaving; per certificate. */
    static AutoTlsException classify(AcmeProtocolException error, URI directory, Optional<CaExchange> exchange) {
        String where = exchange.map(CaExchange::hostAndPort).orElseGet(() -> hostAndPort(directory));
        return new TransientException("the CA at " + where + " sent an answer this client cannot use: " + error.getMessage(),
                error, false, exchange.flatMap(CaExchange::retryAfter).orElse(null));
    }

    /** One phrase for why a connection to {@code host} (the CA's, for the unknown-host phrase) failed. */
    public static String network(Throwable cause, String host, CaSettingNames names) {
        // the JDK's HTTP client reports a name that does not resolve as a ConnectException without a message,
        // caused by an UnresolvedAddressException: look down the whole chain before judging by the outer one
        Optional<String> unresolved = unresolvedHost(cause, host);
        if (unresolved.isPresent()) {
            return "unknown host " + unresolved.get() + " (check the name in " + names.ca() + " and this machine's DNS)";
        }
        Throwable root = cause;
        while (root != null && root.getCause() != null && !(root instanceof SSLException)
                && !(root instanceof ConnectException)) {
            root = root.getCause();
        }
        if (root instanceof HttpConnectTimeoutException) {
            return "the connection timed out";
        }
        if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
            String message = root.getMessage() == null ? "" : root.getMessage().toLowerCase(Locale.ROOT);
            return message.contains("refused") || message.isEmpty() ? "connection refused" : root.getMessage();
        }
        if (root instanceof HttpTimeoutException) {
            return "no answer in time (" + root.getMessage() + ")";
        }
        if (root instanceof SSLException) {
            String message = String.valueOf(root.getMessage());
            if (untrusted(root)) {
                return "TLS failed: the CA's certificate is not trusted here (add its root with " + names.trust() + ")";
            }
            if (message.contains("No subject alternative") || message.contains("No name matching")) {
                return "TLS failed: the CA's certificate is not for this host name (" + message + ")";
            }
            return "TLS failed: " + message;
        }
        if (root instanceof IOException && root.getMessage() != null) {
            return root.getMessage();
        }
        return root == null ? "unknown network error" : root.getClass().getSimpleName()
                + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    /** Whether TLS failed because this Java does not trust the CA's certificate (no path to a trusted root). */
    public static boolean untrusted(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof SSLException && (message.contains("PKIX") || message.contains("unable to find valid certification path"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The host that did not resolve, when that is what failed: an {@link UnknownHostException}
     * (its message is the host) or an {@link UnresolvedAddressException} (no message: then {@code host})
     * anywhere in the chain.
     */
    private static Optional<String> unresolvedHost(Throwable cause, String host) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnknownHostException) {
                return Optional.of(t.getMessage() == null ? host : t.getMessage());
            }
            if (t instanceof UnresolvedAddressException) {
                return Optional.of(host);
            }
        }
        return Optional.empty();
    }

    private static String type(AcmeServerException error) {
        String type = error.getType() == null ? "" : error.getType().toString();
        return type.startsWith("urn:ietf:params:acme:error:") ? type.substring("urn:ietf:params:acme:error:".length()) : type;
    }

    private static String detail(AcmeServerException error) {
        return error.getProblem().getDetail().orElse(error.getMessage());
    }

    public static String hostAndPort(URI uri) {
        int port = uri.getPort() != -1 ? uri.getPort() : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
        return uri.getHost() + ":" + port;
    }
}
