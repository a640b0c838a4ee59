package dev.autotls.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One HTTPS request with curl (a real client, another process): {@code --resolve NAME:PORT:127.0.0.1}
 * so the name is sent as SNI without DNS, trusting only the given roots, one try.
 */
public final class Curl {
    /** What curl did: its exit status (0: the handshake verified and the response arrived), what it printed, the handshake time. */
    public record Result(int exitCode, String output, String errors, Duration handshake) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    private final Path roots;

    private Curl(Path roots) {
        this.roots = roots;
    }

    /** A curl trusting exactly {@code anchors} (written to a PEM file in {@code folder}). */
    public static Curl trusting(Collection<X509Certificate> anchors, Path folder) throws IOException {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate anchor : anchors) {
            try {
                pem.append("-----BEGIN CERTIFICATE-----\n")
                        .append(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(anchor.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (CertificateEncodingException e) {
                throw new IOException(e);
            }
        }
        Path file = folder.resolve("curl-roots.pem");
        Files.writeString(file, pem);
        return new Curl(file);
    }

    /** {@code GET https://name:port/}, at most {@code limit} in all. */
    public Result get(String name, int port, Duration limit) throws IOException, InterruptedException {
        Process curl = new ProcessBuilder("curl", "--silent", "--show-error", "--cacert", roots.toString(),
                "--resolve", name + ":" + port + ":127.0.0.1", "--max-time", Long.toString(Math.max(1, limit.toSeconds())),
                "--output", "/dev/null", "--write-out", "%{http_code} %{time_appconnect}",
                "https://" + name + ":" + port + "/").start();
        if (!curl.waitFor(limit.toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
            curl.destroyForcibly();
            throw new AssertionError("curl for " + name + " did not end within " + limit);
        }
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String errors = new String(curl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        List<String> parts = List.of(output.split(" "));
        Duration handshake = parts.size() == 2 ? Duration.ofNanos((long) (Double.parseDouble(parts.get(1)) * 1e9)) : Duration.ZERO;
        return new Result(curl.exitValue(), output, errors, handshake);
    }
}
