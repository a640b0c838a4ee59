package dev.autotls.internal.acmedns;

import dev.autotls.acmedns.ResponderConfig.TcpLimits;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over TCP as RFC 7766 asks of a server open to everyone: length-prefixed messages,
 * several per connection answered in order, and connections shared so that idle clients
 * cannot starve others ({@link TcpLimits}). A new connection is always accepted; when all
 * slots are taken (or its address holds its cap) the connection idle the longest makes room
 * for it. Idle connections are closed after the idle timeout, which shrinks to one second
 * while more than half the slots are taken.
 *
 * <p>"Idle" means no query being answered, counted from the last answer (or the accept): a
 * client that trickles a message byte by byte stays idle until the message is whole. Each
 * connection has a thread of a pool (at most twice the slots, so threads of connections
 * just closed may still be ending); the acceptor looks for expired connections between
 * accepts.
 */
public final class TcpDnsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TcpDnsServer.class);
    /** Pending connections the kernel queues while the acceptor is busy: room for a burst of reconnects. */
    private static final int BACKLOG = 1024;
    private static final int SWEEP_MILLIS = 100;
    /** A query answered for longer than this (a client that reads no answer, a stuck store) ends its connection too. */
    private static final long ANSWER_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final DnsAnswerer answerer;
    private final TcpLimits limits;
    private final DefenceCounters counters;
    private final Object lock = new Object();
    private final Set<Connection> open = new HashSet<>(); // guarded by lock
    private final Map<InetAddress, Integer> perAddress = new HashMap<>(); // guarded by lock
    private ServerSocket server;
    private ThreadPoolExecutor threads;
    private Thread acceptor;
    private volatile boolean running;

    public TcpDnsServer(DnsAnswerer answerer, TcpLimits limits, DefenceCounters counters) {
        this.answerer = answerer;
        this.limits = limits;
        this.counters = counters;
    }

    /**
     * Opens the listening socket; nothing is accepted before {@link #start}. SO_REUSEADDR
     * stays as Java sets it for a listening socket (on, on Linux): there it never lets a second
     * listener bind the port, only lets a restart bind beside the connections this server
     * closed, which wait in TIME_WAIT for a minute.
     */
    public void bind(InetSocketAddress address) throws IOException {
        ServerSocket opened = new ServerSocket();
        try {
            opened.bind(address, BACKLOG);
            opened.setSoTimeout(SWEEP_MILLIS);
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
        server = opened;
    }

    public void start() {
        running = true;
        AtomicInteger count = new AtomicInteger();
        threads = new ThreadPoolExecutor(0, 2 * limits.maxConnections(), 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread thread = new Thread(r, "acmedns-tcp-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        acceptor = new Thread(this::accept, "acmedns-tcp-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections open right now. */
    int openConnections() {
        synchronized (lock) {
            return open.size();
        }
    }

    private void accept() {
        long nextSweep = System.nanoTime();
        while (running) {
            try {
                admit(server.accept());
            } catch (SocketTimeoutException tick) {
                // nobody came: time to look for expired connections
            } catch (IOException | RuntimeException e) {
                if (running) {
                    LOG.warn("TCP DNS accept failed: {}", e.toString());
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // e.g. out of file descriptors: no busy loop
                }
            }
            if (System.nanoTime() - nextSweep >= 0) {
                sweep();
                nextSweep = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS);
            }
        }
    }

    /** Takes a slot for {@code socket}, closing the idle-longest connection of its address or of all when needed. */
    private void admit(Socket socket) {
        Connection newcomer = new Connection(socket);
        List<Connection> evicted = new ArrayList<>(2);
        boolean admitted;
        synchronized (lock) {
            admitted = true;
            if (perAddress.getOrDefault(newcomer.address, 0) >= limits.maxPerAddress()) {
                admitted = evict(newcomer.address, evicted, counters.tcpClosedOverAddressCap);
            }
            if (admitted && open.size() >= limits.maxConnections()) {
                admitted = evict(null, evicted, counters.tcpClosedForNewcomer);
            }
            if (admitted) {
                open.add(newcomer);
                perAddress.merge(newcomer.address, 1, Integer::sum);
            }
        }
        evicted.forEach(Connection::close);
        if (!admitted) {
            counters.tcpRefused.increment();
            newcomer.close();
            return;
        }
        try {
            threads.execute(() -> serve(newcomer));
        } catch (RejectedExecutionException noThread) {
            forget(newcomer);
            counters.tcpRefused.increment();
            newcomer.close();
        }
    }

    /** Removes the idle-longest connection (of {@code address}, or of all when null) into {@code evicted}; false if none is idle. */
    private boolean evict(InetAddress address, List<Connection> evicted, LongAdder counter) {
        Connection oldest = null;
        for (Connection candidate : open) {
            if (candidate.idle() && (address == null || candidate.address.equals(address))
                    && (oldest == null || candidate.lastActive - oldest.lastActive < 0)) {
                oldest = candidate;
            }
        }
        if (oldest == null) {
            return false;
        }
        remove(oldest);
        evicted.add(oldest);
        counter.increment();
        return true;
    }

    /** Closes connections idle past the timeout for the current load, and answers that take too long. */
    private void sweep() {
        long now = System.nanoTime();
        List<Connection> expired = new ArrayList<>();
        synchronized (lock) {
            long idleLimit = limits.idleTimeout(open.size()).toNanos();
            for (Connection connection : open) {
                long busySince = connection.busySince;
                if (busySince == 0 ? now - connection.lastActive > idleLimit : now - busySince > ANSWER_LIMIT_NANOS) {
                    expired.add(connection);
                }
            }
            expired.forEach(this::remove);
        }
        counters.tcpClosedIdle.add(expired.size());
        expired.forEach(Connection::close);
    }

    private void remove(Connection connection) { // with lock held
        if (open.remove(connection)) {
            perAddress.computeIfPresent(connection.address, (address, count) -> count == 1 ? null : count - 1);
        }
    }

    private void forget(Connection connection) {
        synchronized (lock) {
            remove(connection);
        }
    }

    private void serve(Connection connection) {
        try (Socket socket = connection.socket) {
            socket.setSoTimeout((int) limits.idleTimeout().toMillis()); // the sweeper closes sooner; this is the backstop
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 4096));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 8192));
            byte[] buffer = new byte[65535];
            while (running) {
                int length = in.readUnsignedShort();
                in.readFully(buffer, 0, length);
                connection.busySince = System.nanoTime() | 1; // never 0, which means idle
                byte[] answer = answerer.answer(buffer, length, true);
                if (answer == null) {
                    return;
                }
                out.writeShort(answer.length);
                out.write(answer);
                out.flush(); // one at a time, in order: pipelined queries wait in the socket's buffer
                connection.lastActive = System.nanoTime();
                connection.busySince = 0;
            }
        } catch (EOFException | SocketTimeoutException done) {
            // the client is finished or silent
        } catch (IOException | RuntimeException e) {
            LOG.debug("a TCP DNS connection ended: {}", e.toString()); // also: closed here for idling
        } finally {
            forget(connection);
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
        List<Connection> all;
        synchronized (lock) {
            all = new ArrayList<>(open);
            all.forEach(this::remove);
        }
        all.forEach(Connection::close);
        if (threads != null) {
            threads.shutdownNow();
        }
        if (acceptor != null) {
            try {
                acceptor.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One client connection: who, and since when it is idle or busy. */
    private static final class Connection {
        final Socket socket;
        final InetAddress address;
        volatile long lastActive = System.nanoTime();
        /** When the query being answered arrived; 0 while waiting for one. */
        volatile long busySince;

        Connection(Socket socket) {
            this.socket = socket;
            this.address = socket.getInetAddress();
        }

        boolean idle() {
            return busySince == 0;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                LOG.debug("closing a TCP DNS connection", e);
            }
        }
    }
}
