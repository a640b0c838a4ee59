package dev.autotls.internal.challenge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A client of any acme-dns server (the public ones, acme-dns itself, or the built-in
 * responder): register once, then update TXT values. Errors quote the server's answer.
 */
public final class AcmeDnsClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final URI base;
    private final HttpClient http;

    public AcmeDnsClient(URI base) {
        this(base, java.util.Optional.empty());
    }

    /** A client that reaches the server through {@code proxy} when one is given ({@code autotls.proxy}). */
    public AcmeDnsClient(URI base, java.util.Optional<dev.autotls.internal.acme.ProxySetting> proxy) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text : text + "/");
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER);
        proxy.ifPresent(setting -> setting.applyTo(builder));
        this.http = builder.build();
    }

    public URI base() {
        return base;
    }

    /** The credentials of one registration; the password is a secret and never printed. */
    public record Registration(String username, String password, String subdomain, String fulldomain) {
        @Override
        public String toString() {
            return "Registration[" + username + ", " + fulldomain + "]";
        }
    }

    public Registration register() throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve("register")).timeout(TIMEOUT)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 201) {
            throw new IOException("the acme-dns server " + base + " refused registration: HTTP " + answer.statusCode()
                    + " " + abbreviate(answer.body()));
        }
        JsonNode body = JSON.readTree(answer.body());
        Registration registration = new Registration(body.path("username").asText(), body.path("password").asText(),
                body.path("subdomain").asText(), body.path("fulldomain").asText().toLowerCase(java.util.Locale.ROOT));
        if (registration.username().isEmpty() || registration.password().isEmpty() || registration.fulldomain().isEmpty()) {
            throw new IOException("the acme-dns server " + base + " answered registration without credentials");
        }
        return registration;
    }

    public void update(Registration registration, String txt) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("subdomain", registration.subdomain());
        body.put("txt", txt);
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve("update")).timeout(TIMEOUT)
                .header("Content-Type", "application/json").header("X-Api-User", registration.username())
                .header("X-Api-Key", registration.password())
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IOException("the acme-dns server " + base + " refused the update of " + registration.fulldomain()
                    + ": HTTP " + answer.statusCode() + " " + abbreviate(answer.body()));
        }
    }

    /** A registration as {@link #toJson} stored it; IOException when it is unreadable or lacks what updates need. */
    static Registration fromJson(byte[] json) throws IOException {
        JsonNode node = JSON.readTree(json);
        Registration registration = new Registration(node.path("username").asText(), node.path("password").asText(),
                node.path("subdomain").asText(), node.path("fulldomain").asText());
        if (registration.username().isEmpty() || registration.password().isEmpty() || registration.fulldomain().isEmpty()) {
            // as register() refuses such an answer from a server: else the CNAME shown would point at "."
            throw new IOException("the stored acme-dns registration has no username, password or fulldomain"
                    + " (an empty or hand-edited file); restore it from a backup, or remove it to register again"
                    + " and point the CNAME at the new fulldomain");
        }
        return registration;
    }

    static byte[] toJson(Registration registration, URI server) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("server", server.toString());
        node.put("username", registration.username());
        node.put("password", registration.password());
        node.put("subdomain", registration.subdomain());
        node.put("fulldomain", registration.fulldomain());
        return JSON.writeValueAsBytes(node);
    }

    private static String abbreviate(String body) {
        String line = body.replaceAll("\\s+", " ").trim();
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
