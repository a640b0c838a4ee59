package dev.autotls.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A relay on loopback in front of a PostgreSQL server that counts what crosses it, so a
 * benchmark can say what an instance costs its store without access to the server's own
 * statistics: bytes each way, and from the protocol's message framing the statements the
 * client ran (Execute and simple Query messages), the rows the server sent back (DataRow), and
 * notifications (NotificationResponse), and how often each statement's text was sent (Parse and
 * Query messages), so a figure can say which statements it is made of. An instance points
 * {@code autotls.storage} at {@link #port()} instead of the server's.
 *
 * <p>The framing is followed from the start of each connection: the untyped start-up packets,
 * the one-byte answer to an SSL or GSS encryption request, then typed messages ({@code type,
 * int32 length, body}). If the server accepts encryption the bytes are still counted, but no
 * longer the messages (the test server has none).
 */
final class PostgresWire implements AutoCloseable {
    private static final int SSL_REQUEST = 80877103;
    private static final int GSS_REQUEST = 80877104;
    private static final int PROTOCOL_3 = 196608;
    /** How much of a statement's text is kept to tell statements apart. */
    private static final int TEXT = 90;

    private final ServerSocket listener;
    private final int serverPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong bytesToServer = new AtomicLong();
    private final AtomicLong bytesFromServer = new AtomicLong();
    private final AtomicLong statements = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong notifications = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final Map<String, AtomicLong> texts = new ConcurrentHashMap<>();

    /** What crossed the relay since it started, or between two {@link #counts()} ({@link #minus}). */
    record Counts(long bytesToServer, long bytesFromServer, long statements, long rows, long notifications, long connections) {
        Counts minus(Counts earlier) {
            return new Counts(bytesToServer - earlier.bytesToServer, bytesFromServer - earlier.bytesFromServer,
                    statements - earlier.statements, rows - earlier.rows, notifications - earlier.notifications,
                    connections - earlier.connections);
        }
    }

    private PostgresWire(ServerSocket listener, int serverPort) {
        this.listener = listener;
        this.serverPort = serverPort;
        Thread acceptor = new Thread(this::accept, "postgres-wire");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A relay on a port the system chose, to the server on 127.0.0.1:{@code serverPort}. */
    static PostgresWire to(int serverPort) throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new PostgresWire(listener, serverPort);
    }

    int port() {
        return listener.getLocalPort();
    }

    Counts counts() {
        return new Counts(bytesToServer.get(), bytesFromServer.get(), statements.get(), rows.get(), notifications.get(),
                connections.get());
    }

    /** How often each statement's text (its start) was sent so far; {@link #textsSince} for a window. */
    Map<String, Long> texts() {
        Map<String, Long> now = new TreeMap<>();
        texts.forEach((text, count) -> now.put(text, count.get()));
        return now;
    }

    /** The statements sent since {@code earlier} (a {@link #texts()}), most often sent first. */
    Map<String, Long> textsSince(Map<String, Long> earlier) {
        Map<String, Long> since = new LinkedHashMap<>();
        texts().entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - earlier.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> since.put(e.getKey(), e.getValue()));
        return since;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), serverPort);
                sockets.add(client);
                sockets.add(server);
                connections.incrementAndGet();
                AtomicInteger pendingAnswers = new AtomicInteger(); // one-byte answers to encryption requests still due
                pump(client, server, new Framing(true, pendingAnswers), bytesToServer);
                pump(server, client, new Framing(false, pendingAnswers), bytesFromServer);
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    System.err.println("postgres-wire: a connection failed: " + e);
                }
            }
        }
    }

    private void pump(Socket from, Socket to, Framing framing, AtomicLong bytes) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[65536];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
                    framing.feed(buffer, n); // before forwarding: an encryption request is counted before its answer can come
                    bytes.addAndGet(n);
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException ended) {
                // one side closed
            } finally {
                close(from);
                close(to);
            }
        }, "postgres-wire-pump");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        close(listener);
        sockets.forEach(PostgresWire::close);
    }

    private static void close(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // going away anyway
        }
    }

    /** Follows one direction's message boundaries across reads and counts the messages that matter. */
    private final class Framing {
        private final boolean fromClient;
        private final AtomicInteger pendingAnswers;
        private final byte[] header = new byte[8];
        private int headerFill;
        private long bodyLeft;
        private boolean typed;
        private boolean encrypted;
        /** The start of the body of the Parse or Query message being read, else null. */
        private ByteArrayOutputStream text;

        Framing(boolean fromClient, AtomicInteger pendingAnswers) {
            this.fromClient = fromClient;
            this.pendingAnswers = pendingAnswers;
            this.typed = !fromClient; // the server's first bytes are typed messages, or one-byte answers
        }

        void feed(byte[] buffer, int length) {
            int at = 0;
            while (at < length && !encrypted) {
                if (bodyLeft > 0) {
                    int skipped = (int) Math.min(bodyLeft, length - at);
                    if (text != null) {
                        text.write(buffer, at, Math.max(0, Math.min(skipped, TEXT + 64 - text.size())));
                    }
                    bodyLeft -= skipped;
                    at += skipped;
                    if (bodyLeft == 0 && text != null) {
                        tally(text.toByteArray());
                        text = null;
                    }
                    continue;
                }
                if (!fromClient && headerFill == 0 && pendingAnswers.get() > 0) {
                    pendingAnswers.decrementAndGet();
                    encrypted = buffer[at] != 'N'; // 'S' or 'G': the rest is ciphertext
                    at++;
                    continue;
                }
                int headerSize = typed ? 5 : 8;
                int copied = Math.min(headerSize - headerFill, length - at);
                System.arraycopy(buffer, at, header, headerFill, copied);
                headerFill += copied;
                at += copied;
                if (headerFill == headerSize) {
                    headerFill = 0;
                    message(headerSize);
                }
            }
        }

        private void message(int headerSize) {
            if (typed) {
                bodyLeft = int32(1) - 4L;
                char type = (char) header[0];
                if (fromClient && (type == 'E' || type == 'Q')) {
                    statements.incrementAndGet();
                }
                if (fromClient && (type == 'P' || type == 'Q') && bodyLeft > 0) {
                    text = new ByteArrayOutputStream();
                } else if (!fromClient && type == 'D') {
                    rows.incrementAndGet();
                } else if (!fromClient && type == 'A') {
                    notifications.incrementAndGet();
                }
                return;
            }
            bodyLeft = int32(0) - (long) headerSize;
            int code = int32(4);
            if (code == SSL_REQUEST || code == GSS_REQUEST) {
                pendingAnswers.incrementAndGet();
            } else if (code == PROTOCOL_3) {
                typed = true;
            }
        }

        /** Counts one statement text: a Parse body is a statement name then the text, a Query body the text. */
        private void tally(byte[] body) {
            int from = 0;
            if (header[0] == 'P') {
                while (from < body.length && body[from] != 0) {
                    from++;
                }
                from++;
            }
            int end = from;
            while (end < body.length && body[end] != 0) {
                end++;
            }
            String statement = new String(body, Math.min(from, body.length), Math.max(0, end - from), StandardCharsets.UTF_8)
                    .replaceAll("\\s+", " ").trim();
            statement = statement.length() > TEXT ? statement.substring(0, TEXT) + "..." : statement;
            texts.computeIfAbsent(statement, key -> new AtomicLong()).incrementAndGet();
        }

        private int int32(int offset) {
            return ((header[offset] & 0xff) << 24) | ((header[offset + 1] & 0xff) << 16) | ((header[offset + 2] & 0xff) << 8)
                    | (header[offset + 3] & 0xff);
        }
    }
}
