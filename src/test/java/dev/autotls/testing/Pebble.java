package dev.autotls.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real Pebble (Let's Encrypt's test CA) from Debian's packages, on loopback, with
 * pebble-challtestsrv as the DNS server it validates through (every name resolves to
 * 127.0.0.1). Its own HTTPS listener uses a certificate made here.
 */
public final class Pebble implements AutoCloseable {
    public final String release;
    public final int httpPort;
    public final int acmePort = Ports.free();
    public final int managementPort = Ports.free();
    public final int dnsPort;
    private final boolean ownDns;
    private final int challtestsrvManagementPort = Ports.free();
    private final Path dir;
    private final Map<String, String> environment;
    private final List<Process> processes = new ArrayList<>();
    private HttpClient client;

    private Pebble(String release, int httpPort, Map<String, String> environment, int externalDnsPort) throws Exception {
        this(release, httpPort, Ports.free(), environment, externalDnsPort, "");
    }

    /** @param extraConfig more members of the {@code "pebble"} object, each starting with a comma (or empty) */
    private Pebble(String release, int httpPort, int tlsPort, Map<String, String> environment, int externalDnsPort,
                   String extraConfig)
            throws Exception {
        this.release = release;
        this.ownDns = externalDnsPort <= 0;
        this.dnsPort = ownDns ? Ports.free() : externalDnsPort;
        this.httpPort = httpPort;
        this.environment = environment;
        this.dir = Files.createTempDirectory("pebble-" + release + "-");
        TestCertificates.writeLoopbackCertificate(dir.resolve("cert.pem"), dir.resolve("key.pem"));
        String config = "{\"pebble\":{"
                + "\"listenAddress\":\"127.0.0.1:" + acmePort + "\","
                + "\"managementListenAddress\":\"127.0.0.1:" + managementPort + "\","
                + "\"certificate\":\"" + dir.resolve("cert.pem") + "\","
                + "\"privateKey\":\"" + dir.resolve("key.pem") + "\","
                + "\"httpPort\":" + httpPort + ",\"tlsPort\":" + tlsPort + ","
                + "\"ocspResponderURL\":\"\",\"externalAccountBindingRequired\":false,"
                + "\"retryAfter\":{\"authz\":1,\"order\":1}" + extraConfig + "}}";
        Files.writeString(dir.resolve("pebble-config.json"), config);
    }

    /**
     * Prepared but not started (for a CA that comes up later). {@code release}: "sid" (2.10) or
     * "bookworm" (2.4). Pebble's deliberate rejection of good nonces is off, because acme4j
     * retries such a request and Pebble logs it twice, which would spoil counting orders;
     * {@link #startRejectingNonces} keeps it on for the tests that are about coping with it.
     */
    public static Pebble prepare(String release, int httpPort) throws Exception {
        return new Pebble(release, httpPort, Map.of("PEBBLE_VA_NOSLEEP", "1", "PEBBLE_WFE_NONCEREJECT", "0"), 0);
    }

    /** A Pebble that accepts every challenge without looking (for tests about something else than validation). */
    public static Pebble startAlwaysValid(String release) throws Exception {
        return new Pebble(release, Ports.free(), Map.of("PEBBLE_VA_NOSLEEP", "1", "PEBBLE_WFE_NONCEREJECT", "0",
                "PEBBLE_VA_ALWAYS_VALID", "1"), 0).launch();
    }

    /**
     * A Pebble (2.10) whose directory lists these ACME profiles, each issuing certificates valid
     * for its duration (whole seconds). An order that names none gets a profile Pebble picks, not always
     * {@code default} (seen: {@code shortlived}), and the order resource then reports that one.
     * Validation is skipped, as in {@link #startAlwaysValid}.
     */
    public static Pebble startWithProfiles(Map<String, Duration> profiles) throws Exception {
        return new Pebble("sid", Ports.free(), Ports.free(), Map.of("PEBBLE_VA_NOSLEEP", "1", "PEBBLE_WFE_NONCEREJECT", "0",
                "PEBBLE_VA_ALWAYS_VALID", "1"), 0, profilesConfig(profiles)).launch();
    }

    /**
     * A Pebble (2.10) that lists these profiles, as {@link #startWithProfiles}, and validates for real:
     * http-01 on {@code httpPort}, tls-alpn-01 on {@code tlsPort}.
     */
    public static Pebble startValidatingWithProfiles(int httpPort, int tlsPort, Map<String, Duration> profiles) throws Exception {
        return new Pebble("sid", httpPort, tlsPort, Map.of("PEBBLE_VA_NOSLEEP", "1", "PEBBLE_WFE_NONCEREJECT", "0"), 0,
                profilesConfig(profiles)).launch();
    }

    /** The {@code "profiles"} member of Pebble's config, each profile issuing for its duration (whole seconds). */
    private static String profilesConfig(Map<String, Duration> profiles) {
        StringBuilder json = new StringBuilder(",\"profiles\":{");
        String comma = "";
        for (Map.Entry<String, Duration> profile : profiles.entrySet()) {
            json.append(comma).append('"').append(profile.getKey()).append("\":{\"description\":\"")
                    .append(profile.getKey()).append(" for tests\",\"validityPeriod\":")
                    .append(profile.getValue().toSeconds()).append('}');
            comma = ",";
        }
        return json.append('}').toString();
    }

    /**
     * A Pebble (2.10, validation skipped) that refuses to issue for {@code blocked} names and
     * their subdomains (its {@code domainBlocklist}): orders for them get {@code rejectedIdentifier}.
     */
    public static Pebble startRefusing(String... blocked) throws Exception {
        StringBuilder json = new StringBuilder(",\"domainBlocklist\":[");
        for (int i = 0; i < blocked.length; i++) {
            json.append(i == 0 ? "" : ",").append('"').append(blocked[i]).append('"');
        }
        json.append(']');
        return new Pebble("sid", Ports.free(), Ports.free(), Map.of("PEBBLE_VA_NOSLEEP", "1", "PEBBLE_WFE_NONCEREJECT", "0",
                "PEBBLE_VA_ALWAYS_VALID", "1"), 0, json.toString()).launch();
    }

    /** Pebble with its default 5 % rejection of good nonces, which a correct client survives. */
    public static Pebble startRejectingNonces(String release, int httpPort) throws Exception {
        return new Pebble(release, httpPort, Map.of("PEBBLE_VA_NOSLEEP", "1"), 0).launch();
    }

    /** A Pebble that validates through the DNS server at 127.0.0.1:{@code dnsPort} (e.g. unbound) instead of its own. */
    public static Pebble startWithDns(String release, int httpPort, int dnsPort) throws Exception {
        return new Pebble(release, httpPort, Map.of("PEBBLE_VA_NOSLEEP", "1", "PEBBLE_WFE_NONCEREJECT", "0"), dnsPort).launch();
    }

    /** A Pebble that validates tls-alpn-01 by connecting to {@code tlsPort} (the HTTPS connector under test). */
    public static Pebble startForTlsAlpn(String release, int tlsPort) throws Exception {
        return startValidating(release, Ports.free(), tlsPort);
    }

    /** A Pebble that validates http-01 on {@code httpPort} and tls-alpn-01 on {@code tlsPort}. */
    public static Pebble startValidating(String release, int httpPort, int tlsPort) throws Exception {
        return new Pebble(release, httpPort, tlsPort, Map.of("PEBBLE_VA_NOSLEEP", "1", "PEBBLE_WFE_NONCEREJECT", "0"), 0, "")
                .launch();
    }

    public static Pebble start(String release, int httpPort) throws Exception {
        Pebble pebble = prepare(release, httpPort);
        pebble.launch();
        return pebble;
    }

    /** Starts the DNS server and Pebble and waits until the directory answers. */
    public Pebble launch() throws Exception {
        if (ownDns) {
            ProcessBuilder dns = new ProcessBuilder(Peers.binary("sid", "pebble-challtestsrv").toString(),
                    "-dnsserver", "127.0.0.1:" + dnsPort, "-http01", "", "-https01", "", "-tlsalpn01", "", "-doh", "",
                    "-management", "127.0.0.1:" + challtestsrvManagementPort, "-defaultIPv6", "")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("challtestsrv.log").toFile());
            processes.add(dns.start());
        }
        ProcessBuilder ca = new ProcessBuilder(Peers.binary(release, "pebble").toString(),
                "-config", dir.resolve("pebble-config.json").toString(), "-dnsserver", "127.0.0.1:" + dnsPort)
                .redirectErrorStream(true).redirectOutput(dir.resolve("pebble.log").toFile());
        ca.environment().putAll(environment);
        processes.add(ca.start());
        client = HttpClient.newBuilder().sslContext(trustingListener()).connectTimeout(Duration.ofSeconds(5)).build();
        Await.until("Pebble (" + release + ") to answer at " + directory(), Duration.ofSeconds(30), () -> {
            for (Process process : processes) {
                if (!process.isAlive()) {
                    throw new AssertionError("Pebble (" + release + ") exited early:\n" + logQuietly());
                }
            }
            try {
                return client.send(HttpRequest.newBuilder(directory()).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        return this;
    }

    private String logQuietly() {
        try {
            return log();
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    public URI directory() {
        return URI.create("https://127.0.0.1:" + acmePort + "/dir");
    }

    /** The PEM file a client must trust for Pebble's own HTTPS (for {@code autotls.ca.trust}). */
    public Path listenerTrust() {
        return dir.resolve("cert.pem");
    }

    /** The private key of Pebble's own HTTPS listener (for a front that presents the same certificate). */
    public Path listenerKey() {
        return dir.resolve("key.pem");
    }

    /** Pebble's issuing root certificates (regenerated at every start), from its management interface. */
    public List<X509Certificate> roots() throws Exception {
        HttpResponse<byte[]> answer = client.send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + managementPort + "/roots/0")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return TestCertificates.parse(answer.body());
    }

    /** How many requests Pebble logged for {@code method path}, e.g. ("POST", "/order-plz"). */
    public long requests(String method, String path) throws IOException {
        String needle = method + " " + path + " ";
        return log().lines().filter(line -> line.contains(needle)).count();
    }

    public long orders() throws IOException {
        return requests("POST", "/order-plz");
    }

    /**
     * Certificates Pebble issued. Renewal tests count these rather than order requests: Pebble now
     * and then refuses an ARI {@code replaces} hint it cannot match to the old order, and the
     * client's correct answer (the same order without the hint) is a second order request.
     */
    public long issued() throws IOException {
        return log().lines().filter(line -> line.contains("Issued certificate serial")).count();
    }

    public long accountRequests() throws IOException {
        return requests("POST", "/sign-me-up");
    }

    public String log() throws IOException {
        Path log = dir.resolve("pebble.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
    }

    /** The renewal window Pebble suggests for a certificate, read over plain ARI (GET), independent of autotls. */
    public Instant[] renewalWindow(X509Certificate certificate) throws Exception {
        String id = AriIds.certificateId(certificate);
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + acmePort + "/draft-ietf-acme-ari-03/renewalInfo/" + id)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new AssertionError("Pebble's renewalInfo answered " + answer.statusCode() + ": " + answer.body());
        }
        com.fasterxml.jackson.databind.JsonNode window = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(answer.body()).path("suggestedWindow");
        return new Instant[] {Instant.parse(window.path("start").asText()), Instant.parse(window.path("end").asText())};
    }

    private SSLContext trustingListener() throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(TestCertificates.trustStore(TestCertificates.parse(Files.readAllBytes(listenerTrust()))));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    @Override
    public void close() {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        TempFolders.delete(dir); // its listener key and logs; a failed test has already printed what it needed
    }
}
