package dev.autotls.internal.acmedns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.autotls.testing.Responder;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Issue 3 (f): random and truncated DNS packets, malformed and oversized HTTP, a storm of
 * wrong credentials: clear errors, no crash, and a well-behaved client keeps being served.
 */
class BadInputIT {
    private static final String TXT = "g".repeat(43);

    @TempDir
    Path folder;
    Responder responder;
    JsonNode good;

    @BeforeEach
    void start() throws Exception {
        responder = Responder.start(folder, "auth.test", b -> b.clientAddressHeader("X-Forwarded-For").failedAuthLimit(20));
        good = Responder.json(responder.post("/register", null, Map.of("X-Forwarded-For", "198.51.100.1")).body());
    }

    @AfterEach
    void stop() {
        responder.close();
    }

    private void assertGoodClientServed() throws Exception {
        Message answer = responder.exchange(Message.newQuery(org.xbill.DNS.Record.newRecord(
                Name.fromString("auth.test."), Type.SOA, DClass.IN)));
        assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
        HttpResponse<String> update = responder.post("/update",
                "{\"subdomain\":\"" + good.get("subdomain").asText() + "\",\"txt\":\"" + TXT + "\"}",
                Map.of("X-Api-User", good.get("username").asText(), "X-Api-Key", good.get("password").asText(),
                        "X-Forwarded-For", "198.51.100.1"));
        assertThat(update.statusCode()).isEqualTo(200);
    }

    @Test
    void randomAndTruncatedDnsPacketsNeverStopTheServer() throws Exception {
        Random random = new Random(42);
        byte[] valid = Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString("x.auth.test."), Type.TXT, DClass.IN))
                .toWire();
        int answered = 0;
        for (int i = 0; i < 300; i++) {
            byte[] packet;
            if (i % 2 == 0) {
                packet = new byte[random.nextInt(600)];
                random.nextBytes(packet);
                if (packet.length > 2) {
                    packet[2] &= 0x7F; // mostly queries, so the parser gets exercised beyond the QR check
                }
            } else {
                packet = java.util.Arrays.copyOf(valid, random.nextInt(valid.length));
            }
            byte[] answer = responder.rawUdp(packet, 100); // loopback answers take well under a millisecond
            if (answer != null) {
                answered++;
                Message parsed = new Message(answer);
                assertThat(parsed.getHeader().getID()).isEqualTo(((packet[0] & 0xFF) << 8) | (packet[1] & 0xFF));
            }
        }
        System.out.printf("bad DNS input: 300 packets, %d answered (FORMERR and friends), the rest dropped%n", answered);
        assertThat(answered).isPositive();
        assertGoodClientServed();
    }

    @Test
    void malformedAndOversizedHttpGetJsonErrorsAndNoCrash() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 50; i++) {
            byte[] garbage = new byte[random.nextInt(2000)];
            random.nextBytes(garbage);
            HttpResponse<String> answer = responder.post("/register", new String(garbage, StandardCharsets.ISO_8859_1),
                    Map.of("X-Forwarded-For", "203.0.113.9"));
            assertThat(answer.statusCode()).isIn(201, 400);
            if (answer.statusCode() == 400) {
                assertThat(Responder.json(answer.body()).get("error").asText()).isEqualTo("malformed_json_payload");
            }
        }
        // the refused body is drained before the connection closes, so the client reads the 413
        // every time instead of a reset (with or without a declared length)
        String twoMegabytes = "{\"allowfrom\":[\"" + "1".repeat(2_000_000) + "\"]}";
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> huge = responder.post("/register", twoMegabytes, Map.of("X-Forwarded-For", "203.0.113.9"));
            assertThat(huge.statusCode()).isEqualTo(413);
            assertThat(Responder.json(huge.body()).get("error").asText()).isEqualTo("payload_too_large");
            HttpResponse<String> chunked = responder.send(java.net.http.HttpRequest.newBuilder(responder.url("/register"))
                    .header("X-Forwarded-For", "203.0.113.9")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                            () -> new java.io.ByteArrayInputStream(twoMegabytes.getBytes(StandardCharsets.US_ASCII)))));
            assertThat(chunked.statusCode()).isEqualTo(413);
        }

        // a raw request that lies about its length and stops sending: answered, connection released
        try (Socket socket = new Socket("127.0.0.1", responder.server.apiPort())) {
            socket.setSoTimeout(40_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /register HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(status).startsWith("HTTP/1.1 413");
        }
        assertGoodClientServed();
    }

    @Test
    void aStormOfWrongCredentialsIsRateLimitedWithoutHurtingOthers() throws Exception {
        String body = "{\"subdomain\":\"" + good.get("subdomain").asText() + "\",\"txt\":\"" + TXT + "\"}";
        Map<Integer, Integer> statuses = new HashMap<>();
        AtomicInteger attempts = new AtomicInteger();
        List<Thread> attackers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            attackers.add(new Thread(() -> {
                for (int i = 0; i < 25; i++) {
                    try {
                        Map<String, String> headers = new HashMap<>();
                        headers.put("X-Api-User", good.get("username").asText());
                        headers.put("X-Api-Key", String.format("%040d", attempts.incrementAndGet()));
                        headers.put("X-Forwarded-For", "203.0.113.66");
                        int status = responder.post("/update", body, headers).statusCode();
                        synchronized (statuses) {
                            statuses.merge(status, 1, Integer::sum);
                        }
                    } catch (Exception e) {
                        synchronized (statuses) {
                            statuses.merge(-1, 1, Integer::sum);
                        }
                    }
                }
            }));
        }
        attackers.forEach(Thread::start);
        for (Thread attacker : attackers) {
            attacker.join();
        }
        System.out.println("wrong-credential storm, status counts: " + statuses);
        assertThat(statuses).containsOnlyKeys(401, 429);
        assertThat(statuses.get(429)).isGreaterThan(50);
        assertGoodClientServed();
    }
}
