package dev.autotls.acmedns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over TCP: length-prefixed messages, several per connection. At most
 * {@code maxConnections} are served at once (more are closed at once), and a connection idle
 * for {@link #IDLE_MILLIS} is closed, so slow or silent clients cannot pin the server.
 */
final class TcpDnsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TcpDnsServer.class);
    static final int IDLE_MILLIS = 10_000;

    private final DnsAnswerer answerer;
    private final int maxConnections;
    private ServerSocket server;
    private ThreadPoolExecutor connections;
    private Thread acceptor;
    private volatile boolean running;

    TcpDnsServer(DnsAnswerer answerer, int maxConnections) {
        this.answerer = answerer;
        this.maxConnections = maxConnections;
    }

    /**
     * Opens the listening socket; nothing is accepted before {@link #start}. SO_REUSEADDR
     * stays as Java sets it for a listening socket (on on Linux): there it never lets a second
     * listener bind the port, only lets a restart bind beside the connections this server
     * closed, which wait in TIME_WAIT for a minute.
     */
    void bind(InetSocketAddress address) throws IOException {
        ServerSocket opened = new ServerSocket();
        try {
            opened.bind(address, 128);
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
        server = opened;
    }

    void start() {
        running = true;
        AtomicInteger count = new AtomicInteger();
        connections = new ThreadPoolExecutor(0, maxConnections, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread thread = new Thread(r, "acmedns-tcp-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        acceptor = new Thread(this::accept, "acmedns-tcp-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (running) {
            try {
                Socket socket = server.accept();
                try {
                    connections.execute(() -> serve(socket));
                } catch (RejectedExecutionException busy) {
                    socket.close();
                }
            } catch (IOException e) {
                if (running) {
                    LOG.warn("TCP DNS accept failed: {}", e.toString());
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(IDLE_MILLIS);
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            byte[] buffer = new byte[65535];
            while (running) {
                int length = in.readUnsignedShort();
                in.readFully(buffer, 0, length);
                byte[] answer = answerer.answer(buffer, length, true);
                if (answer == null) {
                    return;
                }
                out.writeShort(answer.length);
                out.write(answer);
                out.flush();
            }
        } catch (EOFException | SocketTimeoutException done) {
            // the client is finished or silent
        } catch (IOException | RuntimeException e) {
            LOG.debug("a TCP DNS connection ended: {}", e.toString());
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            LOG.debug("closing the TCP DNS socket", e);
        }
        if (connections != null) {
            connections.shutdownNow();
        }
    }
}
