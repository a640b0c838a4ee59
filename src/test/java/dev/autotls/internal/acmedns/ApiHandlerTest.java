package dev.autotls.internal.acmedns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.fuzz.FuzzInput;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.Test;

/** The API handler's answers to bodies and headers as a hostile client sends them (inputs the fuzzer found). */
class ApiHandlerTest {

    private static HttpTester.Response send(String savedInput) throws Exception {
        return ApiHandlerFuzzer.exchange(ApiHandlerFuzzer.request(FuzzInput.saved("ApiHandlerFuzzer", savedInput)));
    }

    @Test
    void aBodyThatJacksonCannotDecodeIsMalformedJsonNotAServerError() throws Exception {
        // leading zero bytes make Jackson guess UTF-32 and fail with CharConversionException,
        // an IOException that is no JsonProcessingException
        HttpTester.Response register = send("crash-register-body-jackson-reads-as-utf32");
        assertThat(register.getStatus()).isEqualTo(400);
        assertThat(register.getContent()).isEqualTo("{\"error\":\"malformed_json_payload\"}");

        HttpTester.Response update = send("crash-update-body-jackson-reads-as-utf32");
        assertThat(update.getStatus()).isEqualTo(400);
        assertThat(update.getContent()).isEqualTo("{\"error\":\"malformed_json_payload\"}");
    }
}
