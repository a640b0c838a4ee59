package dev.autotls.internal.acmedns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autotls.acmedns.ResponderConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acme-dns HTTP API: {@code POST /register}, {@code POST /update}, {@code GET /health},
 * answering exactly as acme-dns does (status codes, error names, compact one-line JSON),
 * so every acme-dns client works unchanged. Adds what acme-dns lacks: a body size limit and
 * per-address rate limits on registration and on failed authentication.
 */
public final class ApiHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TXT = Pattern.compile("[A-Za-z0-9_-]{43}");
    /** How much of a refused body is read and dropped, so the client gets to read the 413. */
    static final long DRAIN_BYTES = 4L * 1024 * 1024;
    private static final Duration DRAIN_TIME = Duration.ofSeconds(5);
    private static final Duration DRAIN_PAUSE = Duration.ofSeconds(1);

    private final ResponderConfig config;
    private final AccountStore store;
    private final TxtRecords txt;
    private final Credentials credentials = new Credentials();
    private final RateLimiter registrations;
    private final RateLimiter failedAuth;
    private final Clock clock;

    public ApiHandler(ResponderConfig config, AccountStore store, TxtRecords txt, Clock clock) {
        this.config = config;
        this.store = store;
        this.txt = txt;
        this.clock = clock;
        this.registrations = new RateLimiter(config.registrationBurst(), config.registrationsPerMinute());
        this.failedAuth = new RateLimiter(config.failedAuthPerMinute(), config.failedAuthPerMinute());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        if (!"/register".equals(path) && !"/update".equals(path) && !"/health".equals(path)
                || "/register".equals(path) && !config.registrationOpen()) {
            return json(response, callback, 404, error("not_found")); // every error is JSON: some clients parse them
        }
        allowCors(request, response);
        if ("OPTIONS".equals(method) && request.getHeaders().get(HttpHeader.ORIGIN) != null) {
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "/health".equals(path) ? "GET" : "POST");
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type, X-Api-User, X-Api-Key");
            response.setStatus(204);
            callback.succeeded();
            return true;
        }
        String expected = "/health".equals(path) ? "GET" : "POST";
        if (!expected.equals(method)) {
            response.getHeaders().put(HttpHeader.ALLOW, expected);
            return json(response, callback, 405, error("method_not_allowed"));
        }
        switch (path) {
            case "/health":
                response.setStatus(200);
                callback.succeeded();
                return true;
            case "/register":
                return register(request, response, callback);
            default:
                return update(request, response, callback);
        }
    }

    private boolean register(Request request, Response response, Callback callback) throws IOException {
        if (!registrations.tryAcquire(clientAddress(request))) {
            return json(response, callback, 429, error("too_many_requests"));
        }
        Optional<byte[]> body = body(request);
        if (body.isEmpty()) {
            return tooLarge(response, callback);
        }
        List<Cidr> allowFrom = new ArrayList<>();
        if (body.get().length > 0) {
            JsonNode root;
            try {
                root = JSON.readTree(body.get());
            } catch (IOException e) { // not only JsonProcessingException: bytes Jackson cannot decode are CharConversionException
                return json(response, callback, 400, error("malformed_json_payload"));
            }
            if (root != null && !root.isNull()) {
                if (!root.isObject()) {
                    return json(response, callback, 400, error("malformed_json_payload"));
                }
                JsonNode list = field(root, "allowfrom");
                if (list != null && !list.isNull()) {
                    if (!list.isArray()) {
                        return json(response, callback, 400, error("malformed_json_payload"));
                    }
                    for (JsonNode entry : list) {
                        if (!entry.isTextual()) {
                            return json(response, callback, 400, error("malformed_json_payload"));
                        }
                        Optional<Cidr> cidr = Cidr.parse(entry.asText());
                        if (cidr.isEmpty()) {
                            return json(response, callback, 400, error("invalid_allowfrom_cidr"));
                        }
                        allowFrom.add(cidr.get());
                    }
                }
            }
        }
        String password = credentials.newPassword();
        Account account = new Account(UUID.randomUUID(), credentials.hash(password), UUID.randomUUID().toString(), allowFrom);
        try {
            store.register(account, config.txtValues());
        } catch (AccountStore.StoreException e) {
            LOG.error("Registration failed: {}", e.getMessage());
            return json(response, callback, 500, error("db_error"));
        }
        txt.put(account.subdomain(), List.of());
        LOG.info("Registered {} for {}.", account.subdomain(), clientAddress(request));
        ObjectNode answer = JSON.createObjectNode();
        answer.put("username", account.username().toString());
        answer.put("password", password);
        answer.put("fulldomain", account.subdomain() + "." + config.zone());
        answer.put("subdomain", account.subdomain());
        ArrayNode echoed = answer.putArray("allowfrom");
        allowFrom.forEach(cidr -> echoed.add(cidr.text()));
        return json(response, callback, 201, answer);
    }

    private boolean update(Request request, Response response, Callback callback) throws IOException {
        String rateKey = clientAddress(request);
        if (failedAuth.exhausted(rateKey)) {
            return json(response, callback, 429, error("too_many_requests"));
        }
        Optional<Account> account;
        try {
            account = authenticate(request);
        } catch (AccountStore.StoreException e) {
            // the database is down, not the key wrong: no 401 that tells a client to drop good credentials
            LOG.error("Could not read the account of an update: {}", e.getMessage());
            return json(response, callback, 500, error("db_error"));
        }
        Optional<byte[]> body = body(request);
        if (body.isEmpty()) {
            return tooLarge(response, callback);
        }
        JsonNode root = null;
        try {
            root = body.get().length == 0 ? null : JSON.readTree(body.get());
        } catch (IOException e) { // as in register: CharConversionException too
            if (account.isPresent()) {
                return json(response, callback, 400, error("malformed_json_payload"));
            }
        }
        JsonNode subdomain = root != null && root.isObject() ? field(root, "subdomain") : null;
        if (account.isEmpty() || subdomain == null || !subdomain.isTextual()
                || !account.get().subdomain().equals(subdomain.asText())) {
            account.ifPresent(a -> credentials.forget(a.username()));
            failedAuth.tryAcquire(rateKey);
            return json(response, callback, 401, error("forbidden"));
        }
        JsonNode value = field(root, "txt");
        if (value == null || !value.isTextual() || !TXT.matcher(value.asText()).matches()) {
            return json(response, callback, 400, error("bad_txt"));
        }
        try {
            List<String> current = store.update(account.get().subdomain(), value.asText(), clock.instant().getEpochSecond());
            txt.put(account.get().subdomain(), current);
        } catch (AccountStore.StoreException e) {
            LOG.error("Update of {} failed: {}", account.get().subdomain(), e.getMessage());
            return json(response, callback, 500, error("db_error"));
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("txt", value.asText());
        return json(response, callback, 200, answer);
    }

    /** Checks 1 to 4 of the contract: user is a UUID, key is well-formed, key matches, address allowed. */
    private Optional<Account> authenticate(Request request) throws AccountStore.StoreException {
        String user = request.getHeaders().get("X-Api-User");
        String key = request.getHeaders().get("X-Api-Key");
        UUID username;
        try {
            username = user == null ? null : UUID.fromString(user.trim());
        } catch (IllegalArgumentException e) {
            username = null;
        }
        if (username == null || !Credentials.wellFormedKey(key)) {
            return Optional.empty();
        }
        Optional<Account> account = store.find(username);
        if (account.isEmpty() || !credentials.matches(account.get(), key) || !allowed(account.get(), request)) {
            return Optional.empty();
        }
        return account;
    }

    private boolean allowed(Account account, Request request) {
        if (account.allowFrom().isEmpty()) {
            return true;
        }
        for (InetAddress address : clientAddresses(request)) {
            for (Cidr cidr : account.allowFrom()) {
                if (cidr.contains(address)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The socket peer, or with use_header every address listed in the configured header. */
    private List<InetAddress> clientAddresses(Request request) {
        List<InetAddress> addresses = new ArrayList<>();
        if (config.useHeader()) {
            String header = request.getHeaders().get(config.headerName());
            if (header != null) {
                for (String part : header.split(",")) {
                    literal(part.trim()).ifPresent(addresses::add);
                }
            }
            return addresses;
        }
        literal(Request.getRemoteAddr(request)).ifPresent(addresses::add);
        return addresses;
    }

    private String clientAddress(Request request) {
        List<InetAddress> addresses = clientAddresses(request);
        return addresses.isEmpty() ? Request.getRemoteAddr(request) : addresses.get(0).getHostAddress();
    }

    /** An IP literal (never a DNS look-up), brackets allowed. */
    private static Optional<InetAddress> literal(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String bare = text.replace("[", "").replace("]", "");
        if (!bare.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.%a-zA-Z0-9]*")) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(bare));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /**
     * The body, at most {@code max_body_bytes}; empty Optional when it is larger. A refused
     * body is first read and thrown away (at most {@link #DRAIN_BYTES}, for at most
     * {@link #DRAIN_TIME}), because closing a connection whose client is still sending resets
     * it, and the reset destroys the 413 before the client reads it.
     */
    private Optional<byte[]> body(Request request) throws IOException {
        long declared = request.getLength();
        InputStream in = Content.Source.asInputStream(request);
        if (declared > config.maxBodyBytes()) {
            // a client that waits for 100-continue sends nothing unless asked; a huge one is not worth reading
            if (declared <= DRAIN_BYTES && request.getHeaders().get(HttpHeader.EXPECT) == null) {
                drain(request, in);
            }
            return Optional.empty();
        }
        byte[] body = in.readNBytes(config.maxBodyBytes() + 1);
        if (body.length > config.maxBodyBytes()) {
            drain(request, in);
            return Optional.empty();
        }
        in.close(); // at the end of the content: releases, fails nothing
        return Optional.of(body);
    }

    /** Reads and drops what the client still sends, within the bounds; a client that stops sending waits no longer than a pause. */
    private static void drain(Request request, InputStream in) {
        long deadline = System.nanoTime() + DRAIN_TIME.toNanos();
        request.getConnectionMetaData().getConnection().getEndPoint().setIdleTimeout(DRAIN_PAUSE.toMillis());
        byte[] sink = new byte[16 * 1024];
        long drained = 0;
        try {
            for (int n; drained <= DRAIN_BYTES && System.nanoTime() - deadline < 0 && (n = in.read(sink)) >= 0; ) {
                drained += n;
            }
        } catch (IOException stopped) {
            LOG.debug("stopped draining a refused body after {} bytes: {}", drained, stopped.toString());
        }
    }

    private static boolean tooLarge(Response response, Callback callback) throws IOException {
        response.getHeaders().put(HttpHeader.CONNECTION, "close"); // what was left unread ends the connection
        return json(response, callback, 413, error("payload_too_large"));
    }

    /** A field by name, ignoring case (old clients send AllowFrom, SubDomain, Txt). */
    private static JsonNode field(JsonNode object, String name) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String candidate = names.next();
            if (candidate.equalsIgnoreCase(name)) {
                return object.get(candidate);
            }
        }
        return null;
    }

    private void allowCors(Request request, Response response) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null) {
            return;
        }
        if (config.corsOrigins().contains("*")) {
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        } else if (config.corsOrigins().contains(origin)) {
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            response.getHeaders().put(HttpHeader.VARY, "Origin");
        }
    }

    private static ObjectNode error(String name) {
        ObjectNode node = JSON.createObjectNode();
        node.put("error", name);
        return node;
    }

    private static boolean json(Response response, Callback callback, int status, JsonNode body) throws IOException {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }
}
