package dev.autotls.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autotls.acmedns.AcmeDnsServer;
import dev.autotls.acmedns.ResponderConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;

/** The built-in responder on loopback ports, with a real HTTP client and a real DNS client (dnsjava's). */
public final class Responder implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    public final AcmeDnsServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Responder(AcmeDnsServer server) {
        this.server = server;
    }

    /**
     * A responder for {@code zone} whose API limits let tests register and fail freely;
     * {@code customize} may change the builder (records, limits, ...).
     */
    public static Responder start(java.nio.file.Path folder, String zone,
                                  java.util.function.Consumer<ResponderConfig.Builder> customize) throws Exception {
        return startWithDefaultLimits(folder, zone, b -> customize.accept(b.registrationLimit(1000, 1000).failedAuthLimit(1000)));
    }

    /** A responder for {@code zone} with the limits an operator gets by default (on loopback ports of its own). */
    public static Responder startWithDefaultLimits(java.nio.file.Path folder, String zone,
                                                   java.util.function.Consumer<ResponderConfig.Builder> customize)
            throws Exception {
        java.nio.file.Files.createDirectories(folder);
        ResponderConfig.Builder builder = ResponderConfig.builder(zone)
                .dns(new InetSocketAddress("127.0.0.1", 0)).api(new InetSocketAddress("127.0.0.1", 0))
                .database(folder.resolve("acme-dns.db"));
        customize.accept(builder);
        return new Responder(AcmeDnsServer.start(builder.build()));
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.apiPort() + path);
    }

    /** POSTs {@code body} (null: no body) with the given headers. */
    public HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(path))
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Registers with no body and returns the answer. */
    public JsonNode register() throws Exception {
        HttpResponse<String> answer = post("/register", null, Map.of());
        if (answer.statusCode() != 201) {
            throw new AssertionError("register answered " + answer.statusCode() + ": " + answer.body());
        }
        return JSON.readTree(answer.body());
    }

    public HttpResponse<String> update(JsonNode account, String txt) throws Exception {
        return post("/update", "{\"subdomain\":\"" + account.get("subdomain").asText() + "\",\"txt\":\"" + txt + "\"}",
                Map.of("X-Api-User", account.get("username").asText(), "X-Api-Key", account.get("password").asText()));
    }

    /** A DNS query over UDP (or TCP), as a real resolver sends it. */
    public Message query(String name, int type, boolean tcp) throws Exception {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress("127.0.0.1", server.dnsPort()));
        resolver.setTCP(tcp);
        resolver.setTimeout(Duration.ofSeconds(3));
        return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    /** Sends exactly these bytes over UDP and returns the raw answer, or null when none came within a second. */
    public byte[] rawUdp(byte[] packet) throws Exception {
        return rawUdp(packet, 1000);
    }

    /** As {@link #rawUdp(byte[])}, waiting at most {@code timeoutMillis} for an answer. */
    public byte[] rawUdp(byte[] packet, int timeoutMillis) throws Exception {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket()) {
            socket.setSoTimeout(timeoutMillis);
            socket.send(new java.net.DatagramPacket(packet, packet.length, new InetSocketAddress("127.0.0.1", server.dnsPort())));
            byte[] buffer = new byte[65535];
            java.net.DatagramPacket answer = new java.net.DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(answer);
            } catch (java.net.SocketTimeoutException none) {
                return null;
            }
            return java.util.Arrays.copyOf(buffer, answer.getLength());
        }
    }

    /** Sends a message over UDP as it is (no EDNS added) and parses the answer. */
    public Message exchange(Message query) throws Exception {
        byte[] answer = rawUdp(query.toWire());
        if (answer == null) {
            throw new AssertionError("no answer to " + query.getQuestion());
        }
        return new Message(answer);
    }

    /** Sends a message over TCP as it is and parses the answer. */
    public Message exchangeTcp(Message query) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.dnsPort())) {
            socket.setSoTimeout(3000);
            java.io.DataOutputStream out = new java.io.DataOutputStream(socket.getOutputStream());
            byte[] wire = query.toWire();
            out.writeShort(wire.length);
            out.write(wire);
            out.flush();
            java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
            byte[] answer = new byte[in.readUnsignedShort()];
            in.readFully(answer);
            return new Message(answer);
        }
    }

    public static JsonNode json(String body) throws Exception {
        return JSON.readTree(body);
    }

    @Override
    public void close() {
        server.close();
    }
}
