package dev.autotls.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** {@code java -jar target/autotls.jar acme-dns --config config.cfg} as a separate process, as an acme-dns user runs it. */
public final class StandaloneResponder implements AutoCloseable {
    public final int dnsPort;
    public final int apiPort = Ports.free();
    public final Path dir;
    private Process process;

    private final String tls;
    private final List<String> jvmOptions;

    public StandaloneResponder(Path dir, String zone) throws IOException {
        this(dir, zone, "none", List.of(), Ports.free());
    }

    /** With {@code [database] engine} and {@code connection} as given, e.g. postgres and a postgres:// URL. */
    public StandaloneResponder(Path dir, String zone, String engine, String connection) throws IOException {
        this(dir, zone, "none", List.of(), Ports.free(), engine, connection);
    }

    /** With {@code [api] tls = tls}, the JVM started with {@code jvmOptions} (e.g. -Dautotls.ca=...). */
    public StandaloneResponder(Path dir, String zone, String tls, List<String> jvmOptions, int dnsPort) throws IOException {
        this(dir, zone, tls, jvmOptions, dnsPort, "sqlite3", dir.resolve("acme-dns.db").toString());
    }

    private StandaloneResponder(Path dir, String zone, String tls, List<String> jvmOptions, int dnsPort,
                                String engine, String connection) throws IOException {
        this.dir = dir;
        this.dnsPort = dnsPort;
        this.tls = tls;
        this.jvmOptions = List.copyOf(jvmOptions);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.cfg"), String.join("\n",
                "[general]",
                "listen = \"127.0.0.1:" + dnsPort + "\"",
                "protocol = \"both\"",
                "domain = \"" + zone + "\"",
                "nsname = \"" + zone + "\"",
                "nsadmin = \"admin." + zone + "\"",
                "records = [",
                "    \"" + zone + ". NS ns.invalid.\",",
                "]",
                "debug = false",
                "",
                "[database]",
                "engine = \"" + engine + "\"",
                "connection = \"" + connection + "\"",
                "",
                "[api]",
                "ip = \"127.0.0.1\"",
                "disable_registration = false",
                "port = \"" + apiPort + "\"",
                "tls = \"" + tls + "\"",
                "acme_cache_dir = \"" + dir.resolve("api-certs") + "\"",
                "corsorigins = [\"*\"]",
                "use_header = false",
                "header_name = \"X-Forwarded-For\"",
                "",
                "[logconfig]",
                "loglevel = \"debug\"",
                "logtype = \"stdout\"",
                "logformat = \"text\"",
                ""));
    }

    /** Starts the process and waits until /health answers. */
    public StandaloneResponder start() throws Exception {
        process = launch();
        HttpClient http = HttpClient.newHttpClient();
        Await.until("the standalone responder's /health", Duration.ofSeconds(30), () -> {
            if (!process.isAlive()) {
                throw new AssertionError("the responder exited: " + log());
            }
            try {
                if (!tls.equals("none")) {
                    return TlsClient.inspecting().get(apiPort, "localhost", "/health").status() == 200;
                }
                return http.send(HttpRequest.newBuilder(URI.create(url() + "/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (Exception notYet) {
                return false;
            }
        });
        return this;
    }

    /**
     * Starts the process expecting it to refuse to run: waits (at most {@code timeout}) for
     * it to exit and returns its exit code; its output is in {@link #log()}.
     */
    public int startExpectingExit(Duration timeout) throws Exception {
        process = launch();
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the responder kept running for " + timeout.toSeconds() + " s: " + log());
        }
        return process.exitValue();
    }

    private Process launch() throws IOException {
        String jar = System.getProperty("autotls.jar", "target/autotls.jar");
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar, "acme-dns", "--config", dir.resolve("config.cfg").toString()));
        return new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("responder.log").toFile()))
                .start();
    }

    public String url() {
        return "http://127.0.0.1:" + apiPort;
    }

    /** POST /update as acme-dns clients send it. */
    public HttpResponse<String> update(String user, String key, String subdomain, String value) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url() + "/update"))
                .header("X-Api-User", user).header("X-Api-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"subdomain\":\"" + subdomain + "\",\"txt\":\"" + value + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The TXT values answered for {@code name} (absolute, with the trailing dot), over UDP. */
    public List<String> txt(String name) throws Exception {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress("127.0.0.1", dnsPort));
        resolver.setTimeout(Duration.ofSeconds(3));
        Message answer = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.TXT, DClass.IN)));
        return answer.getSection(Section.ANSWER).stream().map(r -> ((TXTRecord) r).getStrings().get(0)).toList();
    }

    /** kill -9: no shutdown hook, no flush. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("responder.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            Processes.awaitExit(process);
        }
    }
}
