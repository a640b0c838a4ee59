package dev.autotls.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Free ports for peers whose configuration needs a port number up front (Pebble's http-01
 * port, PostgreSQL, knot, a site that port must reach). Each is checked by binding it on every
 * address and released. They are taken below the kernel's ephemeral range: a port from there
 * (what binding port 0 gives) can become the local end of any outgoing connection (a database
 * pool, an HTTP client) between being handed out and being bound by the peer, which made a
 * test fail now and then on "address in use". Ports below the range are never given to
 * outgoing connections; a counter keeps one JVM from handing out the same one twice, and its
 * start depends on the process id so that two JVMs rarely meet.
 */
public final class Ports {
    private static final int LOWEST = 15000;
    private static final int BELOW = ephemeralStart();
    private static final AtomicInteger NEXT = new AtomicInteger(
            (int) (ProcessHandle.current().pid() * 7919 % (BELOW - LOWEST)));

    private Ports() {
    }

    public static int free() {
        for (int attempt = 0; attempt < BELOW - LOWEST; attempt++) {
            int port = LOWEST + Math.floorMod(NEXT.getAndIncrement(), BELOW - LOWEST);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(port), 1);
                return socket.getLocalPort();
            } catch (IOException taken) {
                // someone listens there: the next one
            }
        }
        throw new AssertionError("no free port between " + LOWEST + " and " + BELOW);
    }

    /** The first port the kernel gives to outgoing connections (Linux: ip_local_port_range), 32768 if unknown. */
    private static int ephemeralStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int start = Integer.parseInt(range.split("\\s+")[0]);
            return start > LOWEST + 1000 ? start : 32768;
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }
}
