package dev.autotls.internal.acmedns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.acmedns.ResponderConfig;
import dev.autotls.testing.Responder;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 (d): with the default limits, a burst of registrations from one address (a
 * provisioning script, or this library's first start with many base names) passes, and a
 * sustained flood from it is answered 429.
 */
class RegistrationBurstIT {

    @Test
    void aBurstOf150RegistrationsPassesAndASustainedFloodIsAnswered429(@TempDir Path folder) throws Exception {
        try (Responder responder = Responder.startWithDefaultLimits(folder, "auth.test", b -> { })) {
            ExecutorService clients = Executors.newFixedThreadPool(4);
            try {
                List<Future<HttpResponse<String>>> burst = new ArrayList<>();
                for (int i = 0; i < 150; i++) {
                    burst.add(clients.submit(() -> responder.post("/register", null, Map.of())));
                }
                for (Future<HttpResponse<String>> answer : burst) {
                    assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(201);
                }

                // the flood goes on: at most the rest of the burst and a few refills pass, then only 429
                int passed = 0;
                int refused = 0;
                for (int i = 0; i < 400 && refused < 100; i++) {
                    HttpResponse<String> answer = responder.post("/register", null, Map.of());
                    assertThat(answer.statusCode()).isIn(201, 429);
                    if (answer.statusCode() == 429) {
                        assertThat(Responder.json(answer.body()).get("error").asText()).isEqualTo("too_many_requests");
                        refused++;
                    } else {
                        passed++;
                    }
                }
                System.out.printf("registrations from one address: 150 in a burst all passed; the flood after it: %d more"
                        + " passed, %d answered 429%n", passed, refused);
                assertThat(refused).isEqualTo(100);
                assertThat(150 + passed).as("the burst size plus refills at 10 a minute")
                        .isLessThan(ResponderConfig.DEFAULT_REGISTRATION_BURST + 20);
            } finally {
                clients.shutdownNow();
            }
        }
    }
}
