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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 2 (10): {@code java -D... -jar target/autotls.jar serve} against a local Pebble serves
 * the name with a Pebble certificate within seconds. Prints the time from process start to
 * the first Pebble-issued handshake; {@code -Dautotls.serve.runs=5} repeats it for a median.
 * Issue 16: {@code serve --domains=... --agree-tos} does exactly the same, and an ordinary run
 * logs at INFO only this library's sentences about the certificates.
 */
class ServeCommandIT {

    /** How the settings are given: {@code -Dautotls.x=v} before {@code -jar}, or {@code --x=v} after {@code serve}. */
    enum Form { SYSTEM_PROPERTIES, OPTIONS }

    @Test
    void serveCommandObtainsAPebbleCertificateWithinSeconds(@TempDir Path work) throws Exception {
        int runs = Integer.getInteger("autotls.serve.runs", 1);
        List<Long> millis = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            millis.add(oneRun(work.resolve("run-" + run), Form.SYSTEM_PROPERTIES));
        }
        List<Long> sorted = new ArrayList<>(millis);
        sorted.sort(Long::compare);
        System.out.printf("serve start to Pebble-issued handshake (http-01), %d runs: %s ms; median %d ms%n",
                runs, millis, sorted.get(sorted.size() / 2));
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

    private long oneRun(Path work, Form form) throws Exception {
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
                AtomicReference<X509Certificate> served = new AtomicReference<>();
                Await.until("a Pebble-issued certificate from `autotls.jar serve`", Duration.ofSeconds(60), () -> {
                    if (!serve.isAlive()) {
                        throw new AssertionError("serve exited with " + serve.exitValue() + ":\n" + read(work.resolve("serve.log")));
                    }
                    try {
                        served.set(client.leaf(httpsPort, "h.test"));
                        return true;
                    } catch (Exception notYet) {
                        return false; // not listening yet, or still the self-signed fallback
                    }
                });
                long elapsed = Duration.ofNanos(System.nanoTime() - started).toMillis();
                assertThat(served.get().getIssuerX500Principal().getName()).contains("Pebble");
                TlsClient.Page page = client.get(httpsPort, "h.test", "/");
                assertThat(page.body()).startsWith("Hello from autotls: h.test");
                assertThat(read(work.resolve("serve.log"))).contains("Now serving the CA's certificate for h.test");
                return elapsed;
            } finally {
                serve.destroy();
                serve.waitFor();
            }
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
