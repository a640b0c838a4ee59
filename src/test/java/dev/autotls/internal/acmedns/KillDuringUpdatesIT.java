package dev.autotls.internal.acmedns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autotls.testing.Await;
import dev.autotls.testing.StandaloneResponder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3 (d): kill -9 of the standalone responder during a burst of updates; after a
 * restart every acknowledged update is answered. Each account has one writer, so its own
 * order is known: the last acknowledged value must be served, and the one before it too,
 * unless an update that was in flight at the kill (possibly committed, never acknowledged)
 * took its slot.
 */
class KillDuringUpdatesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ACCOUNTS = 8;

    @Test
    void everyAcknowledgedUpdateSurvivesKill9(@TempDir Path dir) throws Exception {
        StandaloneResponder responder = new StandaloneResponder(dir, "auth.test").start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        List<JsonNode> accounts = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            accounts.add(JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(responder.url() + "/register"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).body()));
        }
        Map<String, List<String>> acknowledged = new ConcurrentHashMap<>();
        Map<String, String> inFlight = new ConcurrentHashMap<>();
        AtomicInteger total = new AtomicInteger();
        List<Thread> writers = new ArrayList<>();
        for (JsonNode account : accounts) {
            String subdomain = account.get("subdomain").asText();
            acknowledged.put(subdomain, new ArrayList<>());
            writers.add(new Thread(() -> {
                for (int n = 0; ; n++) {
                    String value = String.format("%-43s", subdomain.substring(0, 8) + "-" + n).replace(' ', '_');
                    inFlight.put(subdomain, value);
                    try {
                        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(responder.url() + "/update"))
                                .header("X-Api-User", account.get("username").asText())
                                .header("X-Api-Key", account.get("password").asText())
                                .timeout(Duration.ofSeconds(5))
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"subdomain\":\"" + subdomain + "\",\"txt\":\"" + value + "\"}")).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (answer.statusCode() != 200) {
                            return;
                        }
                        acknowledged.get(subdomain).add(value);
                        total.incrementAndGet();
                    } catch (Exception killed) {
                        return; // the server is gone: this value may or may not have been committed
                    }
                }
            }));
        }
        writers.forEach(Thread::start);
        Await.until("200 acknowledged updates", Duration.ofSeconds(60), () -> total.get() >= 200);
        responder.kill();
        for (Thread writer : writers) {
            writer.join();
        }

        try (StandaloneResponder restarted = responder.start()) {
            for (JsonNode account : accounts) {
                String subdomain = account.get("subdomain").asText();
                List<String> acks = acknowledged.get(subdomain);
                List<String> served = restarted.txt(subdomain + ".auth.test.");
                String last = acks.get(acks.size() - 1);
                assertThat(served).as("account %s after %d acknowledged updates", subdomain, acks.size()).contains(last);
                if (acks.size() >= 2 && !served.contains(inFlight.get(subdomain))) {
                    assertThat(served).contains(acks.get(acks.size() - 2));
                }
            }
        }
        System.out.printf("kill -9 after %d acknowledged updates across %d accounts: all served after restart%n",
                total.get(), ACCOUNTS);
    }
}
