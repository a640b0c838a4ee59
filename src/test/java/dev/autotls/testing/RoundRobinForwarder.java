package dev.autotls.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A load balancer's TCP side, as small as it gets: listens on a loopback port bound at port 0 and
 * hands each new connection to the next of its target ports in turn, so a peer (Pebble validating
 * http-01) may reach any instance of a site, not the one that placed the order. Targets are given
 * after the listener is up, since the peer's configuration needs this port before the instances
 * (and their ports) exist. A connection that arrives while no target is set is closed.
 */
public final class RoundRobinForwarder implements AutoCloseable {
    private final ServerSocket listener;
    private volatile List<Integer> targets = List.of();
    private volatile AtomicIntegerArray perTarget = new AtomicIntegerArray(0);
    private final AtomicInteger next = new AtomicInteger();

    private RoundRobinForwarder() throws IOException {
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        Thread acceptor = new Thread(this::accept, "round-robin-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Listening on a free loopback port, with no targets yet. */
    public static RoundRobinForwarder start() throws IOException {
        return new RoundRobinForwarder();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Spreads the connections from now on over {@code ports} (on loopback), in this order. */
    public RoundRobinForwarder targets(List<Integer> ports) {
        perTarget = new AtomicIntegerArray(ports.size());
        targets = List.copyOf(ports);
        return this;
    }

    /** How many connections went to each target since {@link #targets}, in the targets' order. */
    public List<Integer> connectionsPerTarget() {
        AtomicIntegerArray counts = perTarget;
        List<Integer> result = new java.util.ArrayList<>();
        for (int i = 0; i < counts.length(); i++) {
            result.add(counts.get(i));
        }
        return result;
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException closed) {
                return;
            }
            List<Integer> now = targets;
            AtomicIntegerArray counts = perTarget;
            if (now.isEmpty()) {
                Relay.closeQuietly(client);
                continue;
            }
            int index = Math.floorMod(next.getAndIncrement(), now.size());
            if (index < counts.length()) {
                counts.incrementAndGet(index);
            }
            Thread relay = new Thread(() -> forward(client, now.get(index)), "round-robin-relay");
            relay.setDaemon(true);
            relay.start();
        }
    }

    private static void forward(Socket client, int target) {
        Socket upstream;
        try {
            upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        } catch (IOException refused) {
            Relay.closeQuietly(client); // as a balancer whose backend is down: the peer sees the connection end
            return;
        }
        Thread back = new Thread(() -> Relay.pump(upstream, client), "round-robin-back");
        back.setDaemon(true);
        back.start();
        Relay.pump(client, upstream);
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
