package dev.autotls.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.locks.LockSupport;

/**
 * Listens on a port at once and forwards each connection to a target port that may not be
 * listening yet, retrying the connect for up to 30 s: a peer (Pebble validating http-01) can
 * then reach a process that is still starting, as it would reach one behind a load balancer.
 */
public final class PatientForwarder implements AutoCloseable {
    private final ServerSocket listener;

    private PatientForwarder(int port, int target) throws IOException {
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        Thread acceptor = new Thread(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    Thread relay = new Thread(() -> forward(client, target), "patient-forwarder");
                    relay.setDaemon(true);
                    relay.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "patient-forwarder-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Forwards {@code port} to {@code target} on loopback. */
    public static PatientForwarder on(int port, int target) throws IOException {
        return new PatientForwarder(port, target);
    }

    private static void forward(Socket client, int target) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        long pause = 10_000_000;
        while (System.nanoTime() < deadline) {
            try {
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                Thread back = new Thread(() -> Relay.pump(upstream, client), "patient-forwarder-back");
                back.setDaemon(true);
                back.start();
                Relay.pump(client, upstream);
                return;
            } catch (IOException notListeningYet) {
                LockSupport.parkNanos(pause);
                pause = Math.min(pause * 2, 200_000_000);
            }
        }
        Relay.closeQuietly(client);
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
