package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.Await;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.Ports;
import dev.autotls.testing.TlsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 2 (10): {@code java -D... -jar target/autotls.jar serve} against a local Pebble answers
 * HTTPS at once with a stand-in certificate (start-up never waits for the CA), then serves the
 * name with a Pebble certificate within seconds; each within its deadline and in that order.
 * Prints both times from process start; {@code -Dautotls.serve.runs=5} repeats it for medians.
 * Issue 16: {@code serve --domains=... --agree-tos} does exactly the same, and an ordinary run
 * logs at INFO only this library's sentences about the certificates.
 */
class ServeCommandIT {

    /** How the settings are given: {@code -Dautotls.x=v} before {@code -jar}, or {@code --x=v} after {@code serve}. */
    enum Form { SYSTEM_PROPERTIES, OPTIONS }

    /** From process start to the first HTTPS handshake (any certificate): the JVM's start and Jetty's. */
    private static final Duration FIRST_ANSWER_WITHIN = Duration.ofSeconds(30);
    /** From the first HTTPS answer to the CA's certificate: one account, one order, one http-01 validation. */
    private static final Duration CA_CERTIFICATE_WITHIN = Duration.ofSeconds(60);

    /** Milliseconds from starting {@code serve} to its first HTTPS answer and to its first answer with the CA's certificate. */
    record Timings(long firstAnswerMillis, long caCertificateMillis) {
    }

    @Test
    void serveCommandObtainsAPebbleCertificateWithinSeconds(@TempDir Path work) throws Exception {
        int runs = Integer.getInteger("autotls.serve.runs", 1);
        List<Timings> timings = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            timings.add(oneRun(work.resolve("run-" + run), Form.SYSTEM_PROPERTIES));
        }
        System.out.printf("serve start to first HTTPS answer (http-01), %d runs: %s ms; median %d ms%n",
                runs, timings.stream().map(Timings::firstAnswerMillis).toList(), median(timings, Timings::firstAnswerMillis));
        System.out.printf("serve start to Pebble-issued handshake (http-01), %d runs: %s ms; median %d ms%n",
                runs, timings.stream().map(Timings::caCertificateMillis).toList(), median(timings, Timings::caCertificateMillis));
    }

    @Test
    void serveOptionsObtainACertificateExactlyAsSystemPropertiesDo(@TempDir Path work) throws Exception {
        oneRun(work, Form.OPTIONS);
        String log = read(work.resolve("serve.log"));
        assertThat(log).doesNotContain("Unknown option");
        List<String> foreignInfo = log.lines().filter(line -> line.contains(" INFO ") && !line.contains(" INFO dev.autotls."))
                .toList();
        assertThat(foreignInfo).as("INFO lines not from autotls in:%n%s", log).isEmpty();
    }

    private Timings oneRun(Path work, Form form) throws Exception {
        Files.createDirectories(work);
        int httpPort = Ports.free();
        int httpsPort = Ports.free();
        String jar = System.getProperty("autotls.jar", "target/autotls.jar");
        try (Pebble pebble = Pebble.start("sid", httpPort)) {
            TlsClient client = TlsClient.trusting(pebble.roots());
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("domains", "h.test");
            settings.put("ca", pebble.directory().toString());
            settings.put("ca.trust", pebble.listenerTrust().toString());
            settings.put("storage", work.resolve("storage").toString());
            settings.put("challenge", "http-01");
            settings.put("http.port", Integer.toString(httpPort));
            settings.put("https.port", Integer.toString(httpsPort));
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            if (form == Form.SYSTEM_PROPERTIES) {
                settings.forEach((key, value) -> command.add("-Dautotls." + key + "=" + value));
                command.addAll(List.of("-Dautotls.agree-tos=true", "-jar", jar, "serve"));
            } else {
                command.addAll(List.of("-jar", jar, "serve"));
                settings.forEach((key, value) -> command.add("--" + key + "=" + value));
                command.add("--agree-tos"); // bare: true
            }
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(work.resolve("serve.log").toFile());
            long started = System.nanoTime();
            Process serve = builder.start();
            try {
                // start-up never waits for the CA: HTTPS answers at once, with a stand-in until the CA's certificate
                TlsClient anyCertificate = TlsClient.inspecting();
                AtomicReference<X509Certificate> first = new AtomicReference<>();
                Await.until("an HTTPS answer from `autotls.jar serve` on port " + httpsPort, FIRST_ANSWER_WITHIN, () -> {
                    requireAlive(serve, work);
                    try {
                        first.set(anyCertificate.leaf(httpsPort, "h.test"));
                        return true;
                    } catch (Exception notYet) {
                        return false; // not listening yet
                    }
                });
                long firstAnswer = millisSince(started);
                AtomicReference<X509Certificate> served = new AtomicReference<>();
                Await.until("a Pebble-issued certificate from `autotls.jar serve`", CA_CERTIFICATE_WITHIN, () -> {
                    requireAlive(serve, work);
                    try {
                        served.set(client.leaf(httpsPort, "h.test"));
                        return true;
                    } catch (Exception notYet) {
                        return false; // still the self-signed stand-in
                    }
                });
                long caCertificate = millisSince(started);
                assertThat(served.get().getIssuerX500Principal().getName()).contains("Pebble");
                assertThat(first.get().getIssuerX500Principal().getName()).as("the certificate of the first HTTPS answer")
                        .doesNotContain("Pebble");
                assertThat(firstAnswer).as("ms from start to the first HTTPS answer").isPositive()
                        .isLessThanOrEqualTo(FIRST_ANSWER_WITHIN.toMillis());
                assertThat(caCertificate).as("ms from start to the CA's certificate").isGreaterThan(firstAnswer)
                        .isLessThanOrEqualTo(FIRST_ANSWER_WITHIN.plus(CA_CERTIFICATE_WITHIN).toMillis());
                TlsClient.Page page = client.get(httpsPort, "h.test", "/");
                assertThat(page.body()).startsWith("Hello from autotls: h.test");
                assertThat(read(work.resolve("serve.log"))).contains("Now serving the CA's certificate for h.test");
                return new Timings(firstAnswer, caCertificate);
            } finally {
                serve.destroy();
                serve.waitFor();
            }
        }
    }

    private static long median(List<Timings> timings, ToLongFunction<Timings> figure) {
        long[] sorted = timings.stream().mapToLong(figure).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    private static long millisSince(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos).toMillis();
    }

    private static void requireAlive(Process serve, Path work) {
        if (!serve.isAlive()) {
            throw new AssertionError("serve exited with " + serve.exitValue() + ":\n" + read(work.resolve("serve.log")));
        }
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (java.io.IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
