package dev.autotls.internal.acme;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * One request to the CA and what came back: its URI, the HTTP status (0 when no answer came)
 * and the Retry-After of the answer. acme4j turns most answers into exceptions that no longer
 * carry the header (a 503 with {@code Retry-After: 20} becomes "HTTP 503"), so the client that
 * sent it ({@link ObservedHttpClient}) keeps the last one, and {@link AcmeClient} hands it to
 * the failure handling ({@link CaFailures}) with the exception.
 */
public record CaExchange(URI uri, int status, Optional<Instant> retryAfter) {
    /** Retry-After is honoured within these bounds, so a typo'd or hostile header never stalls or floods. */
    static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(1);
    static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

    /** An answer with {@code status}, and its Retry-After read at {@code now}. */
    static CaExchange answered(URI uri, int status, HttpHeaders headers, Instant now) {
        return new CaExchange(uri, status, retryAfter(headers, now));
    }

    /** A request that got no answer (connection refused, timed out, TLS failed). */
    static CaExchange noAnswer(URI uri) {
        return new CaExchange(uri, 0, Optional.empty());
    }

    /** The Retry-After header (seconds or an HTTP date) clamped to [1 s, 1 day] from {@code now}; empty if absent or unreadable. */
    static Optional<Instant> retryAfter(HttpHeaders headers, Instant now) {
        Optional<String> value = headers.firstValue("Retry-After").map(String::trim);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Instant at;
        try {
            at = value.get().matches("\\d{1,10}") ? now.plusSeconds(Long.parseLong(value.get()))
                    : ZonedDateTime.parse(value.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException | ArithmeticException e) {
            return Optional.empty();
        }
        return Optional.of(clamp(at, now));
    }

    /** {@code at} moved into [now + 1 s, now + 1 day]. */
    static Instant clamp(Instant at, Instant now) {
        Instant earliest = now.plus(MIN_RETRY_AFTER);
        Instant latest = now.plus(MAX_RETRY_AFTER);
        return at.isBefore(earliest) ? earliest : at.isAfter(latest) ? latest : at;
    }

    /** {@code host:port} of the request, for sentences. */
    public String hostAndPort() {
        int port = uri.getPort() != -1 ? uri.getPort() : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
        return uri.getHost() + ":" + port;
    }
}
