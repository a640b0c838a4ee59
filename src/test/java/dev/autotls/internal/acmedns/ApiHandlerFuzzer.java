package dev.autotls.internal.acmedns;

import com.code_intelligence.jazzer.api.HookType;
import com.code_intelligence.jazzer.api.MethodHook;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autotls.acmedns.Database;
import dev.autotls.acmedns.ResponderConfig.ResponseRateLimit;
import dev.autotls.acmedns.ResponderConfig.TcpLimits;
import dev.autotls.acmedns.ResponderConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/**
 * Fuzz target (scripts/fuzz.sh): one HTTP request into the acme-dns API handler, through
 * Jetty's in-process {@link LocalConnector} (the real parser, no socket). The input is the
 * request as text: a line {@code METHOD PATH}, header lines, an empty line, the body; the
 * target adds Host, Content-Length and Connection itself (and drops the fuzzer's), so every
 * request is complete and the exchange cannot stall on framing.
 *
 * <p>The contract checked: the handler never throws and never answers 5xx (its store here
 * never fails); its JSON answers are well-formed, errors name an error, a 201 carries a
 * usable registration, and a 200 for {@code /update} happens only for a request that carried
 * that account's key and leaves the value in what DNS answers. Two accounts exist, one open
 * and one limited to {@code 192.0.2.0/24} and {@code 2001:db8::/32}; the client address comes
 * from {@code X-Forwarded-For} (acme-dns's {@code use_header}), so the fuzzer chooses it.
 */
public final class ApiHandlerFuzzer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ZONE = "auth.example.org";
    private static final String OPEN_KEY = "OpenAccountKeyForTheApiFuzzTarget_012345";
    private static final String LIMITED_KEY = "LimitedAccountKeyForTheApiFuzzTarget_678";
    private static final Account OPEN = account("0c5bd6a6-8a52-4c1f-9a51-2f8f0d1c0a01", OPEN_KEY,
            "c0d1d2d3-0000-4000-8000-00000000000a", List.of());
    private static final Account LIMITED = account("5a1e0f3c-4b2d-4e6f-8a9b-0c1d2e3f4a02", LIMITED_KEY,
            "c0d1d2d3-0000-4000-8000-00000000000b", List.of("192.0.2.0/24", "2001:db8::/32"));
    /** Headers the target writes itself, so that every request ends where its bytes end. */
    private static final Set<String> FRAMING = Set.of("host", "content-length", "transfer-encoding", "connection", "expect");
    private static final Set<Integer> HANDLER_STATUSES = Set.of(200, 201, 204, 400, 401, 404, 405, 413, 429);
    /** Registrations pile up in memory; a fresh handler after this many inputs keeps a long run bounded. */
    private static final int FRESH_EVERY = 5_000;

    private static final AtomicReference<Throwable> THROWN = new AtomicReference<>();
    private static volatile State state = new State();
    private static final LocalConnector CONNECTOR = start();
    private static int inputs;

    private ApiHandlerFuzzer() {
    }

    /** One handler with its store and DNS values; replaced wholesale so no input sees another's leftovers for long. */
    private static final class State {
        final MemoryAccountStore store = new MemoryAccountStore();
        final TxtRecords txt = new TxtRecords();
        final ApiHandler handler;

        State() {
            ResponderConfig config = new ResponderConfig(ZONE, ZONE, "hostmaster." + ZONE, List.of(),
                    new InetSocketAddress("127.0.0.1", 53), true, true, TcpLimits.DEFAULTS, ResponseRateLimit.DEFAULTS,
                    Database.sqlite(Path.of("never-opened.db")),
                    new InetSocketAddress("127.0.0.1", 443), "none", null, null, null, "", true,
                    List.of("https://ok.test"), true, "X-Forwarded-For", 2,
                    1_000_000_000, 1_000_000_000, 1_000_000_000, 2048); // limits out of reach: each input behaves the same whatever came before
            for (Account account : List.of(OPEN, LIMITED)) {
                store.register(account, config.txtValues());
                txt.put(account.subdomain(), List.of());
            }
            handler = new ApiHandler(config, store, txt, Clock.systemUTC());
        }
    }

    /**
     * Called by Jazzer before the first input: starts Jetty and sends one request, so loading
     * and instrumenting Jetty and Jackson falls outside the time limit each input has.
     */
    public static void fuzzerInitialize() throws Exception {
        fuzzerTestOneInput("POST /register\n\n{\"allowfrom\":[]}".getBytes(StandardCharsets.US_ASCII));
    }

    public static void fuzzerTestOneInput(byte[] data) throws Exception {
        if (++inputs % FRESH_EVERY == 0) {
            state = new State();
        }
        State current = state;
        byte[] request = request(data);
        HttpTester.Response response = exchange(request);
        int status = response.getStatus();
        if (status == 500) { // how Jetty answers when a handler throws; other 5xx are its parser's (505: a bad version)
            throw new AssertionError("HTTP 500 for a store that never fails: " + response.getContent());
        }
        if (!"application/json".equals(response.get("Content-Type"))) {
            return; // Jetty's own answer to a request it could not parse, or 200/204 without a body
        }
        if (!HANDLER_STATUSES.contains(status)) {
            throw new AssertionError("the handler answered HTTP " + status);
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.getContentBytes());
        } catch (IOException e) {
            throw new AssertionError("the answer is not JSON: " + response.getContent(), e);
        }
        if (status >= 400) {
            if (body == null || !body.path("error").isTextual()) {
                throw new AssertionError("an error answer names no error: " + response.getContent());
            }
        } else if (status == 201) {
            checkRegistration(body);
        } else if (status == 200) {
            checkUpdate(current, body, new String(request, StandardCharsets.ISO_8859_1));
        }
    }

    /** Sends one complete request; fails if the handler threw or nothing came back. */
    static HttpTester.Response exchange(byte[] request) throws Exception {
        THROWN.set(null);
        ByteBuffer raw = CONNECTOR.getResponse(ByteBuffer.wrap(request), 10, TimeUnit.SECONDS);
        Throwable thrown = THROWN.getAndSet(null);
        if (thrown instanceof RuntimeException e) {
            throw e; // as it is, so the fuzzer tells findings apart by their stack
        } else if (thrown != null) {
            throw new AssertionError("the handler threw", thrown);
        }
        if (raw == null) {
            throw new AssertionError("no answer within 10 s");
        }
        HttpTester.Response response = HttpTester.parseResponse(raw);
        if (response == null) {
            throw new AssertionError("the answer is not an HTTP response: " + StandardCharsets.ISO_8859_1.decode(raw));
        }
        return response;
    }

    private static void checkRegistration(JsonNode body) {
        String subdomain = body.path("subdomain").asText();
        UUID.fromString(body.path("username").asText());
        if (!Credentials.wellFormedKey(body.path("password").asText()) || subdomain.isEmpty()
                || !body.path("fulldomain").asText().equals(subdomain + "." + ZONE) || !body.path("allowfrom").isArray()) {
            throw new AssertionError("201 without a usable registration: " + body);
        }
    }

    private static void checkUpdate(State current, JsonNode body, String request) {
        String value = body.path("txt").asText();
        boolean keyed = false;
        for (Account account : List.of(OPEN, LIMITED)) {
            String[] values = current.txt.values(account.subdomain());
            if (values != null && Arrays.asList(values).contains(value)
                    && request.contains(account == OPEN ? OPEN_KEY : LIMITED_KEY)) {
                keyed = true;
            }
        }
        if (!keyed) {
            throw new AssertionError("200 for an update without an account's key, or whose value DNS does not serve: "
                    + body);
        }
    }

    /** The input as a complete HTTP/1.1 request. */
    static byte[] request(byte[] data) {
        int split = indexOf(data, new byte[] {'\n', '\n'});
        byte[] head = split < 0 ? data : Arrays.copyOfRange(data, 0, split);
        byte[] body = split < 0 ? new byte[0] : Arrays.copyOfRange(data, split + 2, data.length);
        String[] lines = new String(head, StandardCharsets.ISO_8859_1).replace("\r", "").split("\n", -1);
        String requestLine = lines[0].isEmpty() ? "GET /" : lines[0].indexOf(' ') < 0 ? lines[0] + " /" : lines[0];
        StringBuilder text = new StringBuilder(requestLine).append(" HTTP/1.1\r\nHost: api.test\r\n");
        for (int i = 1; i < lines.length; i++) {
            String name = lines[i].split(":", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (!lines[i].isEmpty() && !FRAMING.contains(name)) {
                text.append(lines[i]).append("\r\n");
            }
        }
        text.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(text.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, byte[] needle) {
        for (int i = 0; i + needle.length <= data.length; i++) {
            if (Arrays.equals(data, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    private static LocalConnector start() {
        Server server = new Server();
        LocalConnector connector = new LocalConnector(server);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                try {
                    return state.handler.handle(request, response, callback);
                } catch (Throwable e) {
                    THROWN.set(e);
                    throw e;
                }
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("the in-process Jetty did not start", e);
        }
        return connector;
    }

    private static Account account(String user, String key, String subdomain, List<String> allowFrom) {
        String hash = OpenBSDBCrypt.generate("2a", key.toCharArray(), new byte[16], 4); // cost 4: a check takes a millisecond
        return new Account(UUID.fromString(user), hash, subdomain,
                allowFrom.stream().map(cidr -> Cidr.parse(cidr).orElseThrow()).toList());
    }

    /**
     * Hooks for the fuzzing run only: a registration hashes its new password at bcrypt cost 4
     * instead of 10, so the fuzzer tries a thousand bodies a second, not twenty. The hash stays
     * a real bcrypt hash that the handler checks as it would any other.
     */
    public static final class Hooks {
        private Hooks() {
        }

        @MethodHook(type = HookType.REPLACE, targetClassName = "org.bouncycastle.crypto.generators.OpenBSDBCrypt",
                targetMethod = "generate", targetMethodDescriptor = "(Ljava/lang/String;[C[BI)Ljava/lang/String;")
        public static String cheapBcrypt(MethodHandle method, Object thisObject, Object[] arguments, int hookId) {
            return OpenBSDBCrypt.generate((String) arguments[0], (char[]) arguments[1], (byte[]) arguments[2], 4);
        }
    }
}
