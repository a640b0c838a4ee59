package dev.autotls.internal.acmedns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autotls.acmedns.ResponderConfig;
import dev.autotls.testing.Responder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Type;

/** The HTTP half of ../shared/docs/acme-dns-contract.md, one test per rule, over real HTTP. */
class ApiConformanceIT {
    private static final String TXT_A = "a".repeat(43);
    private static final String TXT_B = "B_-" + "b".repeat(40);
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

    @TempDir
    Path folder;
    Responder responder;

    /** A responder on this suite's engine (SQLite here; {@code ApiConformancePostgresIT} runs every case on PostgreSQL). */
    Responder startResponder(Path folder, Consumer<ResponderConfig.Builder> customize) throws Exception {
        return Responder.start(folder, "auth.example.test", customize);
    }

    @BeforeEach
    void start() throws Exception {
        responder = startResponder(folder, b -> { });
    }

    @AfterEach
    void stop() {
        responder.close();
    }

    private static void assertError(HttpResponse<String> answer, int status, String error) {
        assertThat(answer.statusCode()).isEqualTo(status);
        assertThat(answer.body()).isEqualTo("{\"error\":\"" + error + "\"}");
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @ParameterizedTest(name = "body: {0}")
    @ValueSource(strings = {"<none>", "", "null", "{}"})
    void registerAcceptsNoBodyEmptyBodyAndNull(String body) throws Exception {
        HttpResponse<String> answer = responder.post("/register", body.equals("<none>") ? null : body, Map.of());
        assertThat(answer.statusCode()).isEqualTo(201);
    }

    @Test
    void registerAnswersOneCompactLineWithTheContractFields() throws Exception {
        HttpResponse<String> answer = responder.post("/register", null, Map.of());
        assertThat(answer.statusCode()).isEqualTo(201);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(answer.body()).doesNotContain("\n").doesNotContain(" ")
                .matches("\\{\"username\":\"" + UUID + "\",\"password\":\"[A-Za-z0-9_-]{40}\",\"fulldomain\":\"" + UUID
                        + "\\.auth\\.example\\.test\",\"subdomain\":\"" + UUID + "\",\"allowfrom\":\\[\\]}");
        JsonNode account = Responder.json(answer.body());
        assertThat(account.get("fulldomain").asText()).isEqualTo(account.get("subdomain").asText() + ".auth.example.test");
    }

    @Test
    void registerReadsAllowfromCaseInsensitivelyAndEchoesItWithoutBrackets() throws Exception {
        HttpResponse<String> answer = responder.post("/register",
                "{\"AllowFrom\":[\"192.0.2.0/24\",\"[::1]/64\"]}", Map.of());
        assertThat(answer.statusCode()).isEqualTo(201);
        assertThat(Responder.json(answer.body()).get("allowfrom").toString()).isEqualTo("[\"192.0.2.0/24\",\"::1/64\"]");
    }

    @ParameterizedTest(name = "allowfrom {0}")
    @ValueSource(strings = {"1.2.3.4", "1.2.3.4/33", "1.2/24", "invalid", "::1/129", "300.1.1.1/8"})
    void registerRejectsWhatIsNotACidr(String entry) throws Exception {
        assertError(responder.post("/register", "{\"allowfrom\":[\"" + entry + "\"]}", Map.of()), 400, "invalid_allowfrom_cidr");
    }

    @ParameterizedTest(name = "body {0}")
    @ValueSource(strings = {"{", "[1,2]", "{\"allowfrom\":\"1.2.3.0/24\"}", "{\"allowfrom\":[1]}", "\"text\""})
    void registerRejectsMalformedJsonAndWrongTypes(String body) throws Exception {
        assertError(responder.post("/register", body, Map.of()), 400, "malformed_json_payload");
    }

    @Test
    void otherMethodsOnKnownRoutesAnswer405AndUnknownRoutes404() throws Exception {
        assertThat(responder.send(HttpRequest.newBuilder(responder.url("/register")).GET()).statusCode()).isEqualTo(405);
        assertThat(responder.send(HttpRequest.newBuilder(responder.url("/update")).GET()).statusCode()).isEqualTo(405);
        assertThat(responder.send(HttpRequest.newBuilder(responder.url("/health"))
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(405);
        assertError(responder.send(HttpRequest.newBuilder(responder.url("/nothing")).GET()), 404, "not_found");
    }

    @Test
    void healthAnswers200WithAnEmptyBody() throws Exception {
        HttpResponse<String> answer = responder.send(HttpRequest.newBuilder(responder.url("/health")).GET());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEmpty();
    }

    @Test
    void closedRegistrationAnswers404(@TempDir Path other) throws Exception {
        try (Responder closed = startResponder(other, b -> b.registrationOpen(false))) {
            assertThat(closed.post("/register", null, Map.of()).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void updateChecksCredentialsInOrderAndAnswersForbidden() throws Exception {
        JsonNode account = responder.register();
        String user = account.get("username").asText();
        String key = account.get("password").asText();
        String body = "{\"subdomain\":\"" + account.get("subdomain").asText() + "\",\"txt\":\"" + TXT_A + "\"}";
        assertError(responder.post("/update", body, Map.of("X-Api-User", "not-a-uuid", "X-Api-Key", key)), 401, "forbidden");
        assertError(responder.post("/update", body, Map.of("X-Api-User", user, "X-Api-Key", key + "x")), 401, "forbidden");
        assertError(responder.post("/update", body, Map.of("X-Api-User", user, "X-Api-Key", key.substring(1) + "A")), 401, "forbidden");
        assertError(responder.post("/update", body, Map.of("X-Api-User", java.util.UUID.randomUUID().toString(), "X-Api-Key", key)),
                401, "forbidden");
        assertError(responder.post("/update", body, Map.of()), 401, "forbidden");
        String otherSubdomain = "{\"subdomain\":\"" + java.util.UUID.randomUUID() + "\",\"txt\":\"" + TXT_A + "\"}";
        assertError(responder.post("/update", otherSubdomain, Map.of("X-Api-User", user, "X-Api-Key", key)), 401, "forbidden");
        HttpResponse<String> ok = responder.post("/update", body, Map.of("X-Api-User", user, "X-Api-Key", key));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("{\"txt\":\"" + TXT_A + "\"}");
    }

    @Test
    void updateEnforcesAllowfromOnTheSocketPeer() throws Exception {
        JsonNode elsewhere = Responder.json(responder.post("/register", "{\"allowfrom\":[\"192.0.2.0/24\"]}", Map.of()).body());
        assertError(responder.update(elsewhere, TXT_A), 401, "forbidden");
        JsonNode loopback = Responder.json(responder.post("/register", "{\"allowfrom\":[\"127.0.0.0/8\"]}", Map.of()).body());
        assertThat(responder.update(loopback, TXT_A).statusCode()).isEqualTo(200);
    }

    @Test
    void updateWithHeaderModeTakesAnyAddressOfTheHeaderList(@TempDir Path other) throws Exception {
        try (Responder behindProxy = startResponder(other, b -> b.clientAddressHeader("X-Forwarded-For"))) {
            JsonNode account = Responder.json(behindProxy.post("/register", "{\"allowfrom\":[\"2001:db8::/32\"]}", Map.of()).body());
            String body = "{\"subdomain\":\"" + account.get("subdomain").asText() + "\",\"txt\":\"" + TXT_A + "\"}";
            Map<String, String> credentials = Map.of("X-Api-User", account.get("username").asText(),
                    "X-Api-Key", account.get("password").asText());
            assertError(behindProxy.post("/update", body, with(credentials, "X-Forwarded-For", "203.0.113.7")), 401, "forbidden");
            assertThat(behindProxy.post("/update", body, with(credentials, "X-Forwarded-For", "203.0.113.7, 2001:db8::5"))
                    .statusCode()).isEqualTo(200);
        }
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.put(name, value);
        return all;
    }

    @ParameterizedTest(name = "txt {0}")
    @ValueSource(strings = {"short", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=", ""})
    void updateRejectsTxtThatIsNot43UrlSafeCharacters(String value) throws Exception {
        assertError(responder.update(responder.register(), value), 400, "bad_txt");
    }

    @Test
    void updateAcceptsJsonWithoutOrWithFormContentTypeAndCaseInsensitiveKeys() throws Exception {
        JsonNode account = responder.register();
        String body = "{\"SubDomain\":\"" + account.get("subdomain").asText() + "\",\"Txt\":\"" + TXT_A + "\"}";
        HttpResponse<String> form = responder.post("/update", body, Map.of("X-Api-User", account.get("username").asText(),
                "X-Api-Key", account.get("password").asText(), "Content-Type", "application/x-www-form-urlencoded"));
        assertThat(form.statusCode()).isEqualTo(200);
        HttpResponse<String> none = responder.post("/update", body.replace(TXT_A, TXT_B),
                Map.of("X-Api-User", account.get("username").asText(), "X-Api-Key", account.get("password").asText()));
        assertThat(none.statusCode()).isEqualTo(200);
    }

    @Test
    void anUpdateOverwritesTheSlotWrittenLeastRecentlySoTheLastTwoAreServed() throws Exception {
        JsonNode account = responder.register();
        String name = account.get("fulldomain").asText() + ".";
        String third = "c".repeat(43);
        responder.update(account, TXT_A);
        responder.update(account, TXT_B);
        assertThat(txt(name)).containsExactlyInAnyOrder(TXT_A, TXT_B);
        responder.update(account, third);
        assertThat(txt(name)).containsExactlyInAnyOrder(TXT_B, third);
    }

    private List<String> txt(String name) throws Exception {
        return responder.query(name, Type.TXT, false).getSection(org.xbill.DNS.Section.ANSWER).stream()
                .map(r -> ((org.xbill.DNS.TXTRecord) r).getStrings().get(0)).toList();
    }

    @Test
    void oversizedBodiesAreRefusedWithJson() throws Exception {
        assertError(responder.post("/register", "{\"allowfrom\":[" + "\"1.2.3.0/24\",".repeat(10_000) + "\"1.2.3.0/24\"]}",
                Map.of()), 413, "payload_too_large");
    }

    @Test
    void repeatedFailedAuthenticationIsRateLimitedPerAddress(@TempDir Path other) throws Exception {
        try (Responder strict = startResponder(other, b -> b.failedAuthLimit(5))) {
            JsonNode account = strict.register();
            Map<String, String> wrong = Map.of("X-Api-User", account.get("username").asText(), "X-Api-Key", "A".repeat(40));
            String body = "{\"subdomain\":\"" + account.get("subdomain").asText() + "\",\"txt\":\"" + TXT_A + "\"}";
            for (int i = 0; i < 5; i++) {
                assertError(strict.post("/update", body, wrong), 401, "forbidden");
            }
            assertError(strict.post("/update", body, wrong), 429, "too_many_requests");
        }
    }

    @Test
    void registrationIsRateLimitedPerAddress(@TempDir Path other) throws Exception {
        try (Responder strict = startResponder(other, b -> b.registrationLimit(3, 3))) {
            for (int i = 0; i < 3; i++) {
                assertThat(strict.post("/register", null, Map.of()).statusCode()).isEqualTo(201);
            }
            assertError(strict.post("/register", null, Map.of()), 429, "too_many_requests");
        }
    }
}
