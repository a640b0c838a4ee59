package dev.autotls.internal.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autotls.CertificateStatus;
import dev.autotls.internal.engine.pacing.OrderPacing;
import dev.autotls.internal.ondemand.OnDemandCounters;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /health}, {@code GET /status} and {@code GET /metrics} (Prometheus text) for
 * operators. Reads only status snapshots and counters, so it never waits for maintenance.
 * Healthy means: every configured name is served a CA-issued certificate with at least
 * min(7 days, a third of its lifetime) left, or one still valid whose renewal is going well.
 */
public final class ManagementHandler extends Handler.Abstract {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<List<CertificateStatus>> status;
    private final OperationCounters counters;
    /** What on demand counts, when it is on. */
    private final java.util.Optional<OnDemandCounters> onDemand;
    private final Clock clock;

    /** The CA accounts' order queues (their length and admissions in {@code /metrics}). */
    private final List<OrderPacing.Account> queues;

    public ManagementHandler(Supplier<List<CertificateStatus>> status, OperationCounters counters,
                             java.util.Optional<OnDemandCounters> onDemand, Clock clock) {
        this(status, counters, onDemand, clock, List.of());
    }

    public ManagementHandler(Supplier<List<CertificateStatus>> status, OperationCounters counters,
                             java.util.Optional<OnDemandCounters> onDemand, Clock clock, List<OrderPacing.Account> queues) {
        this.queues = List.copyOf(queues);
        this.status = status;
        this.counters = counters;
        this.onDemand = onDemand;
        this.clock = clock;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (!"GET".equals(request.getMethod())) {
            Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
            return true;
        }
        switch (path) {
            case "/health":
                List<String> problems = problems(status.get(), clock.instant());
                ObjectNode health = JSON.createObjectNode();
                health.put("status", problems.isEmpty() ? "UP" : "DOWN");
                ArrayNode reasons = health.putArray("reasons");
                problems.forEach(reasons::add);
                write(response, callback, problems.isEmpty() ? 200 : 503, "application/json", JSON.writeValueAsString(health));
                return true;
            case "/status":
                write(response, callback, 200, "application/json", JSON.writeValueAsString(statusJson(status.get())));
                return true;
            case "/metrics":
                write(response, callback, 200, "text/plain; version=0.0.4; charset=utf-8", prometheus(status.get()));
                return true;
            default:
                Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                return true;
        }
    }

    /** Why the site is not healthy, one sentence per certificate; empty when it is (public: the engine's tests ask it). */
    public static List<String> problems(List<CertificateStatus> all, Instant now) {
        List<String> problems = new ArrayList<>();
        for (CertificateStatus certificate : all) {
            String names = String.join(", ", certificate.names());
            if (certificate.source() == CertificateStatus.Source.TEMPORARY) {
                problems.add(names + ": only the temporary self-signed certificate is served"
                        + certificate.ownerAction().map(action -> "; " + action).orElse(""));
                continue;
            }
            Duration third = Duration.between(certificate.notBefore(), certificate.notAfter()).dividedBy(3);
            Duration margin = third.compareTo(Duration.ofDays(7)) < 0 ? third : Duration.ofDays(7);
            boolean plenty = now.isBefore(certificate.notAfter().minus(margin));
            boolean renewingWell = now.isBefore(certificate.notAfter()) && certificate.failures() == 0;
            if (!plenty && !renewingWell) {
                problems.add(names + ": the certificate expires at " + certificate.notAfter() + " and renewing it fails"
                        + certificate.ownerAction().or(certificate::lastOutcome).map(why -> " (" + why + ")").orElse(""));
            }
        }
        return problems;
    }

    static ArrayNode statusJson(List<CertificateStatus> all) {
        ArrayNode array = JSON.createArrayNode();
        for (CertificateStatus certificate : all) {
            ObjectNode node = array.addObject();
            ArrayNode names = node.putArray("names");
            certificate.names().forEach(names::add);
            ObjectNode origins = node.putObject("origins"); // configured, managed or on_demand, per name
            certificate.origins().forEach((name, origin) -> origins.put(name, origin.name().toLowerCase(java.util.Locale.ROOT)));
            node.put("strategy", certificate.strategy());
            node.put("strategyReason", certificate.strategyReason());
            node.put("serial", certificate.serial().orElse(null));
            node.put("issuer", certificate.issuer().orElse(null));
            node.put("notBefore", certificate.notBefore().toString());
            node.put("notAfter", certificate.notAfter().toString());
            node.put("source", certificate.source().name());
            node.put("lastAttempt", certificate.lastAttempt().map(Instant::toString).orElse(null));
            node.put("lastOutcome", certificate.lastOutcome().orElse(null));
            node.put("nextAttempt", certificate.nextAttempt().map(Instant::toString).orElse(null));
            node.put("ownerActionNeeded", certificate.ownerActionNeeded());
            node.put("ownerAction", certificate.ownerAction().orElse(null));
            node.put("failures", certificate.failures());
            node.put("issuedBy", certificate.issuedBy().orElse(null));
            node.put("tryingCa", certificate.tryingCa().orElse(null));
            // while its order waits in the CA account's queue: its place and when it is expected to start
            if (certificate.queuePosition().isPresent()) {
                node.put("queuePosition", certificate.queuePosition().getAsInt());
            } else {
                node.putNull("queuePosition");
            }
            node.put("expectedStart", certificate.expectedStart().map(Instant::toString).orElse(null));
        }
        return array;
    }

    private String prometheus(List<CertificateStatus> all) {
        StringBuilder text = new StringBuilder();
        text.append("# HELP autotls_certificate_expiration_timestamp_seconds When the served certificate expires.\n")
                .append("# TYPE autotls_certificate_expiration_timestamp_seconds gauge\n");
        for (CertificateStatus certificate : all) {
            text.append("autotls_certificate_expiration_timestamp_seconds{name=\"").append(label(certificate.names().get(0)))
                    .append("\"} ").append(certificate.notAfter().getEpochSecond()).append('\n');
        }
        text.append("# HELP autotls_certificate_ready 1 when a CA-issued certificate is served, else 0.\n")
                .append("# TYPE autotls_certificate_ready gauge\n");
        for (CertificateStatus certificate : all) {
            text.append("autotls_certificate_ready{name=\"").append(label(certificate.names().get(0))).append("\"} ")
                    .append(certificate.source() == CertificateStatus.Source.TEMPORARY ? 0 : 1).append('\n');
        }
        text.append("# HELP autotls_owner_action_needed Certificates waiting for their owner to act.\n")
                .append("# TYPE autotls_owner_action_needed gauge\n")
                .append("autotls_owner_action_needed ").append(all.stream().filter(CertificateStatus::ownerActionNeeded).count())
                .append('\n');
        text.append("# HELP autotls_orders_total Certificates obtained from the CA.\n# TYPE autotls_orders_total counter\n")
                .append("autotls_orders_total{kind=\"first\"} ").append(counters.obtained.get()).append('\n')
                .append("autotls_orders_total{kind=\"renewal\"} ").append(counters.renewed.get()).append('\n');
        text.append("# HELP autotls_failures_total Failed maintenance attempts by cause.\n# TYPE autotls_failures_total counter\n");
        Map<String, Long> failures = new TreeMap<>();
        for (String cause : List.of("owner_action", "transient", "ca_unavailable", "storage", "other")) {
            failures.put(cause, 0L);
        }
        counters.failures.forEach((cause, count) -> failures.put(cause, count.get()));
        failures.forEach((cause, count) -> text.append("autotls_failures_total{cause=\"").append(cause).append("\"} ")
                .append(count).append('\n'));
        if (!queues.isEmpty()) {
            text.append("# HELP autotls_order_queue_length Certificates waiting in the CA account's order queue.\n")
                    .append("# TYPE autotls_order_queue_length gauge\n");
            queues.forEach(q -> text.append("autotls_order_queue_length{ca=\"").append(label(q.ca())).append("\"} ")
                    .append(q.waiting()).append('\n'));
            text.append("# HELP autotls_order_queue_admitted_total New orders the queue let through on this instance.\n")
                    .append("# TYPE autotls_order_queue_admitted_total counter\n");
            queues.forEach(q -> text.append("autotls_order_queue_admitted_total{ca=\"").append(label(q.ca())).append("\"} ")
                    .append(q.admitted()).append('\n'));
        }
        onDemand.ifPresent(on -> {
            text.append("# HELP autotls_ondemand_checks_total Permission checks asked for names on demand.\n")
                    .append("# TYPE autotls_ondemand_checks_total counter\n")
                    .append("autotls_ondemand_checks_total ").append(on.checksAsked()).append('\n');
            text.append("# HELP autotls_ondemand_refused_total Handshakes for names not managed that got no certificate.\n")
                    .append("# TYPE autotls_ondemand_refused_total counter\n");
            on.refusedByReason().forEach((reason, count) -> text.append("autotls_ondemand_refused_total{reason=\"")
                    .append(reason).append("\"} ").append(count).append('\n'));
            text.append("# HELP autotls_ondemand_waiting Handshakes waiting for a certificate on demand.\n")
                    .append("# TYPE autotls_ondemand_waiting gauge\n")
                    .append("autotls_ondemand_waiting ").append(on.waiting()).append('\n');
        });
        return text.toString();
    }

    private static String label(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static void write(Response response, Callback callback, int status, String type, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
