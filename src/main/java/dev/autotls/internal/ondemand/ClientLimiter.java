package dev.autotls.internal.ondemand;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.autotls.internal.config.RateLimit;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code autotls.on-demand.checks-per-client}: how many permission checks one client address may
 * cause in any window. Only checks count (a cached answer costs nothing), so one client sending a
 * thousand random names cannot make the endpoint answer a thousand times. Addresses not seen for a
 * window are forgotten; at most {@link #TRACKED} are remembered at once, the least recent dropped.
 */
final class ClientLimiter {
    static final int TRACKED = 100_000;

    private final RateLimit limit;
    private final Clock clock;
    /** Per address, the times of its recent checks; each list changed only under its own lock. */
    private final Cache<InetAddress, List<Instant>> recent;

    ClientLimiter(RateLimit limit, Clock clock) {
        this.limit = limit;
        this.clock = clock;
        this.recent = Caffeine.newBuilder().ticker(Tickers.of(clock)).expireAfterAccess(limit.per()).maximumSize(TRACKED)
                .executor(Runnable::run).build();
    }

    /** Counts one check for {@code client} if its limit allows one now; false (nothing counted) if not. */
    boolean tryAcquire(InetAddress client) {
        List<Instant> times = recent.get(client, address -> new ArrayList<>());
        synchronized (times) {
            Instant now = clock.instant();
            times.removeIf(t -> !t.isAfter(now.minus(limit.per())));
            if (limit.nextSlot(times, now).isPresent()) {
                return false;
            }
            times.add(now);
            return true;
        }
    }
}
