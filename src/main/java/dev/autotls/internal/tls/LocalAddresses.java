package dev.autotls.internal.tls;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import javax.net.ssl.SSLEngine;

/**
 * The local address each TLS connection on a connector autotls installed arrived at. A handshake
 * without SNI needs it while IP address certificates are served: clients send no SNI for an
 * address (RFC 6066 section 3), so the address the client connected to is what picks the
 * certificate. An {@link SSLEngine} knows only its peer, so the connector records the local
 * address when it opens the connection and forgets it when the connection closes.
 *
 * <p>Contract: {@link #of} never blocks (a lock-free cache read) and is asked only on that
 * handshake path; engines are held weakly, so a connection whose close was never reported leaks
 * nothing. Nothing is recorded while no address certificate is served ({@link #wanted}), so sites
 * with domain names only pay nothing per connection.
 */
public final class LocalAddresses {
    private final Cache<SSLEngine, InetAddress> byEngine = Caffeine.newBuilder().weakKeys().build();
    private volatile boolean wanted;

    /** Whether connections should be recorded: true while the registry serves at least one address certificate. */
    public boolean wanted() {
        return wanted;
    }

    void wanted(boolean wanted) {
        this.wanted = wanted;
    }

    /** Remembers that {@code engine}'s connection arrived at {@code local}. */
    public void record(SSLEngine engine, InetAddress local) {
        byEngine.put(engine, local);
    }

    /** Drops what {@link #record} kept for {@code engine}; nothing happens if nothing was kept. */
    public void forget(SSLEngine engine) {
        byEngine.invalidate(engine);
    }

    /** The local address of {@code engine}'s connection, or null when it was not recorded. */
    InetAddress of(SSLEngine engine) {
        return byEngine.getIfPresent(engine);
    }
}
