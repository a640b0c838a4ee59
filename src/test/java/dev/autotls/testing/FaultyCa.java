package dev.autotls.testing;

import dev.autotls.internal.store.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A fault-injecting front for a real Pebble: it presents Pebble's own listener certificate
 * and relays every byte to Pebble, which builds its URLs from the Host header and so answers
 * with the proxy's address. On command it drops every connection ({@link Mode#DROP}) or
 * answers every request {@code 503} with a Retry-After ({@link Mode#UNAVAILABLE}). A mode
 * change closes relayed connections, so the client's kept-alive ones cannot slip past it.
 * Counts the connections it accepts: the client's requests to the CA. Keeps what clients sent
 * (it sees the plain text between its two TLS legs), so a test can read the JWS payloads of their
 * requests ({@link #requestPayloads}): what an order asked for, whatever the CA made of it.
 */
public final class FaultyCa implements AutoCloseable {
    /**
     * What the front does with new connections. {@link #RATE_LIMIT_NEW_ORDERS}: a new-order request
     * without ARI's {@code replaces} gets 429 {@code rateLimited} with the Retry-After set by
     * {@link #retryAfter}; every other request reaches Pebble (one request per connection).
     */
    public enum Mode { PASS, DROP, UNAVAILABLE, RATE_LIMIT_NEW_ORDERS }

    /** A new-order request the front saw: when (wall clock), whether it carried {@code replaces}, whether it answered 429. */
    public record NewOrder(java.time.Instant at, boolean replaces, boolean refused) {
    }

    private final Pebble pebble;
    private final SSLServerSocket listener;
    private final SSLContext toPebble;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    /** What clients sent, one stream per relayed connection. */
    private final List<java.io.ByteArrayOutputStream> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile Mode mode = Mode.PASS;
    private volatile int retryAfterSeconds = 20;
    /** The new-order requests seen in {@link Mode#RATE_LIMIT_NEW_ORDERS}, in order. */
    private final List<NewOrder> newOrders = new java.util.concurrent.CopyOnWriteArrayList<>();

    private FaultyCa(Pebble pebble) throws Exception {
        this.pebble = pebble;
        List<X509Certificate> chain = TestCertificates.parse(Files.readAllBytes(pebble.listenerTrust()));
        PrivateKey key = Pem.decodePrivateKey(Files.readAllBytes(pebble.listenerKey()), "Pebble's listener key");
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        identity.setKeyEntry("front", key, new char[0], chain.toArray(new X509Certificate[0]));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(identity, new char[0]);
        SSLContext serving = SSLContext.getInstance("TLS");
        serving.init(keys.getKeyManagers(), null, null);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(TestCertificates.trustStore(chain));
        toPebble = SSLContext.getInstance("TLS");
        toPebble.init(null, trust.getTrustManagers(), null);
        listener = (SSLServerSocket) serving.getServerSocketFactory().createServerSocket(0, 200, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "faulty-ca-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static FaultyCa in(Pebble pebble) throws Exception {
        return new FaultyCa(pebble);
    }

    /** The directory URL through this front. */
    public URI directory() {
        return URI.create("https://127.0.0.1:" + listener.getLocalPort() + pebble.directory().getPath());
    }

    /** Switches what happens to new connections, and ends the relayed ones. */
    public void mode(Mode newMode) {
        mode = newMode;
        for (Socket socket : open) {
            Relay.closeQuietly(socket);
        }
    }

    /** 503 answers carry {@code Retry-After: seconds}. */
    public void retryAfter(int seconds) {
        retryAfterSeconds = seconds;
    }

    /** Connections accepted so far (each request of a client that does not keep connections, at least one per request otherwise). */
    public int connections() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException closed) {
                return;
            }
            connections.incrementAndGet();
            Mode now = mode;
            if (now == Mode.DROP) {
                Relay.closeQuietly(client);
                continue;
            }
            Thread handler = new Thread(() -> handle(client, now), "faulty-ca-connection");
            handler.setDaemon(true);
            handler.start();
        }
    }

    private void handle(Socket client, Mode now) {
        open.add(client);
        try {
            if (now == Mode.UNAVAILABLE) {
                answerUnavailable(client);
                return;
            }
            if (now == Mode.RATE_LIMIT_NEW_ORDERS) {
                answerOrRelayOne(client);
                return;
            }
            SSLSocket upstream = (SSLSocket) toPebble.getSocketFactory().createSocket("127.0.0.1", pebble.acmePort);
            open.add(upstream);
            Thread back = new Thread(() -> pump(upstream, client), "faulty-ca-back");
            back.setDaemon(true);
            back.start();
            java.io.ByteArrayOutputStream copy = new java.io.ByteArrayOutputStream();
            sent.add(copy);
            Relay.pump(client, upstream, copy);
            open.remove(client);
            open.remove(upstream);
        } catch (IOException e) {
            // the client or Pebble went away: nothing to report, the client sees a closed connection
        } finally {
            Relay.closeQuietly(client);
        }
    }

    /** The new-order requests seen while rate-limiting them, in order. */
    public List<NewOrder> newOrders() {
        return List.copyOf(newOrders);
    }

    /**
     * Reads one request; a new order without {@code replaces} gets 429 rateLimited, anything else is sent to
     * Pebble with {@code Connection: close} (so neither side reuses the connection) and its answer relayed.
     */
    private void answerOrRelayOne(Socket client) throws IOException {
        InputStream in = client.getInputStream();
        String head = readHead(in);
        byte[] body = new byte[0];
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                body = in.readNBytes((int) Math.min(Long.parseLong(line.substring(line.indexOf(':') + 1).trim()), 1 << 20));
            }
        }
        String requestLine = head.substring(0, Math.max(0, head.indexOf("\r\n")));
        if (requestLine.startsWith("POST ") && requestLine.contains("/order-plz")) {
            String text = new String(body, StandardCharsets.ISO_8859_1);
            java.util.regex.Matcher payload = java.util.regex.Pattern.compile("\"payload\"\\s*:\\s*\"([A-Za-z0-9_-]*)\"").matcher(text);
            boolean replaces = payload.find() && new String(java.util.Base64.getUrlDecoder().decode(payload.group(1)),
                    StandardCharsets.UTF_8).contains("\"replaces\"");
            newOrders.add(new NewOrder(java.time.Instant.now(), replaces, !replaces));
            if (!replaces) {
                String problem = "{\"type\":\"urn:ietf:params:acme:error:rateLimited\",\"detail\":\"too many new orders (10) "
                        + "from this account in the last 3h0m0s\",\"status\":429}";
                OutputStream out = client.getOutputStream();
                out.write(("HTTP/1.1 429 Too Many Requests\r\nRetry-After: " + retryAfterSeconds
                        + "\r\nContent-Type: application/problem+json\r\nContent-Length: " + problem.length()
                        + "\r\nConnection: close\r\n\r\n" + problem).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
        }
        StringBuilder forwarded = new StringBuilder();
        for (String line : head.split("\r\n")) {
            if (!line.isEmpty() && !line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
                forwarded.append(line).append("\r\n");
            }
        }
        forwarded.append("Connection: close\r\n\r\n");
        try (SSLSocket upstream = (SSLSocket) toPebble.getSocketFactory().createSocket("127.0.0.1", pebble.acmePort)) {
            open.add(upstream);
            OutputStream toCa = upstream.getOutputStream();
            toCa.write(forwarded.toString().getBytes(StandardCharsets.ISO_8859_1));
            toCa.write(body);
            toCa.flush();
            upstream.getInputStream().transferTo(client.getOutputStream());
            client.getOutputStream().flush();
        } finally {
            open.removeIf(Socket::isClosed);
        }
    }

    /** The request line and headers, up to the blank line. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && head.length() < 65536) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return head.toString();
    }

    /** Reads one request (headers and a Content-Length body) and answers 503, closing the connection. */
    private void answerUnavailable(Socket client) throws IOException {
        InputStream in = client.getInputStream();
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && head.length() < 65536) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                long length = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                in.readNBytes((int) Math.min(length, 1 << 20));
            }
        }
        String body = "{\"type\":\"urn:ietf:params:acme:error:serverInternal\",\"detail\":\"down for maintenance\",\"status\":503}";
        OutputStream out = client.getOutputStream();
        out.write(("HTTP/1.1 503 Service Unavailable\r\nRetry-After: " + retryAfterSeconds
                + "\r\nContent-Type: text/plain\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private void pump(Socket from, Socket to) {
        Relay.pump(from, to);
        open.remove(from);
        open.remove(to);
    }

    /**
     * The decoded JWS payloads (RFC 7515 flattened JSON, base64url) of the requests clients sent so
     * far, in the order seen per connection; POST-as-GET requests have an empty one and are left out.
     */
    public List<String> requestPayloads() {
        java.util.regex.Pattern payload = java.util.regex.Pattern.compile("\"payload\"\\s*:\\s*\"([A-Za-z0-9_-]+)\"");
        List<String> payloads = new java.util.ArrayList<>();
        for (java.io.ByteArrayOutputStream connection : sent) {
            String text;
            synchronized (connection) { // ByteArrayOutputStream writes are synchronized on it too
                text = connection.toString(StandardCharsets.ISO_8859_1);
            }
            java.util.regex.Matcher found = payload.matcher(text);
            while (found.find()) {
                payloads.add(new String(java.util.Base64.getUrlDecoder().decode(found.group(1)), StandardCharsets.UTF_8));
            }
        }
        return payloads;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        mode(Mode.DROP);
    }
}
