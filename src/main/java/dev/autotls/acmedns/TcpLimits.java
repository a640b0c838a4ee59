package dev.autotls.acmedns;

import java.time.Duration;

/**
 * How DNS over TCP shares its connections (RFC 7766 section 6.2): at most
 * {@code maxConnections} open, at most {@code maxPerAddress} from one client address, and a
 * connection with no query for {@code idleTimeout} (one second while more than half the
 * slots are taken) is closed. When all slots are taken a newcomer is still accepted: the
 * connection idle the longest makes room for it.
 *
 * @param maxConnections {@code [autotls] tcp_max_connections}
 * @param maxPerAddress  {@code [autotls] tcp_max_per_address}
 * @param idleTimeout    {@code [autotls] tcp_idle_timeout_seconds}
 * @param busyIdleTimeout the idle timeout while more than half the slots are taken (one second, unless a test says)
 */
public record TcpLimits(int maxConnections, int maxPerAddress, Duration idleTimeout, Duration busyIdleTimeout) {
    /** The idle timeout while more than half the connections are taken. */
    public static final Duration BUSY_IDLE_TIMEOUT = Duration.ofSeconds(1);
    /** BIND allows 150 TCP clients, NSD 100; a responder for one small zone needs fewer. */
    public static final TcpLimits DEFAULTS = new TcpLimits(128, 16, Duration.ofSeconds(10));

    public TcpLimits(int maxConnections, int maxPerAddress, Duration idleTimeout) {
        this(maxConnections, maxPerAddress, idleTimeout, BUSY_IDLE_TIMEOUT);
    }

    public TcpLimits {
        if (maxConnections < 2 || maxConnections > 10_000) {
            throw new IllegalArgumentException("tcp_max_connections = " + maxConnections + ": give 2 to 10000");
        }
        if (maxPerAddress < 1 || maxPerAddress > maxConnections) {
            throw new IllegalArgumentException("tcp_max_per_address = " + maxPerAddress + ": give 1 to tcp_max_connections ("
                    + maxConnections + ")");
        }
        if (idleTimeout.compareTo(Duration.ofSeconds(1)) < 0 || idleTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("tcp_idle_timeout_seconds = " + idleTimeout.toSeconds()
                    + ": give 1 to 600 seconds");
        }
        if (busyIdleTimeout.isNegative() || busyIdleTimeout.isZero() || busyIdleTimeout.compareTo(idleTimeout) > 0) {
            throw new IllegalArgumentException("a busy idle timeout of " + busyIdleTimeout.toMillis()
                    + " ms: give more than 0 and at most the idle timeout (" + idleTimeout.toSeconds() + " s)");
        }
    }

    /** The idle timeout with {@code open} connections open. */
    Duration idleTimeout(int open) {
        return open * 2 > maxConnections ? busyIdleTimeout : idleTimeout;
    }
}
