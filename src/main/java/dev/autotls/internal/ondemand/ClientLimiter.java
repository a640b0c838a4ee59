package dev.autotls.internal.ondemand;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.autotls.internal.config.RateLimit;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;

/**
 * {@code autotls.on-demand.checks-per-client}: how many permission checks one client may cause.
 * Only checks count (a cached answer costs nothing), so one client sending a thousand random names
 * cannot make the endpoint answer a thousand times.
 *
 * <p>A client is an IPv4 address, or an IPv6 {@code /64}: one host is usually given a whole
 * {@code /64}, so counting single IPv6 addresses would give it 2<sup>64</sup> limits. Handshakes whose
 * client the connection does not show (a Unix-domain connector behind a proxy) share one limit:
 * unknown is one client, never an unlimited one.
 *
 * <p>Each client has a token bucket of {@code count} checks refilled at {@code count} per
 * {@code per} (two longs, not a log of times, so a limit of thousands costs no more memory than one
 * of ten). At most {@link #TRACKED} clients are remembered, the least recent dropped first, and one
 * not seen for a window is forgotten (its bucket would be full again anyway).
 */
final class ClientLimiter {
    static final int TRACKED = 100_000;
    /** The key of every handshake whose client is unknown. */
    static final String UNKNOWN = "unknown";
    /** Tokens are counted in millionths, so a refill of a fraction of a check is not lost. */
    private static final long SCALE = 1_000_000;

    private final RateLimit limit;
    private final Clock clock;
    private final Cache<String, Bucket> buckets;

    ClientLimiter(RateLimit limit, Clock clock) {
        this.limit = limit;
        this.clock = clock;
        this.buckets = Caffeine.newBuilder().ticker(Tickers.of(clock)).expireAfterAccess(limit.per()).maximumSize(TRACKED)
                .executor(Runnable::run).build();
    }

    /** Counts one check for {@code client} (null: unknown) if its limit allows one now; false (nothing counted) if not. */
    boolean tryAcquire(InetAddress client) {
        long now = nanos(clock.instant());
        Bucket bucket = buckets.get(key(client), key -> new Bucket(limit.count() * SCALE, now));
        return bucket.take(now, limit);
    }

    /** An IPv4 address as it is, an IPv6 address as its {@code /64}, null as {@link #UNKNOWN}. */
    static String key(InetAddress client) {
        if (client == null) {
            return UNKNOWN;
        }
        if (client instanceof Inet6Address) {
            byte[] bytes = client.getAddress();
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
            }
            return prefix.append(":/64").toString();
        }
        return client.getHostAddress();
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    /** One client's tokens (in millionths) as of {@code at} (nanoseconds of the injected clock). */
    private static final class Bucket {
        private long tokens;
        private long at;

        Bucket(long tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }

        synchronized boolean take(long now, RateLimit limit) {
            long full = limit.count() * SCALE;
            long perNanos = limit.per().toNanos();
            long elapsed = Math.max(0, now - at);
            // refilled at count per window; a double, as elapsed × count × SCALE may pass a long's range
            double refill = (double) Math.min(elapsed, perNanos) / perNanos * full;
            tokens = (long) Math.min(full, tokens + refill);
            at = Math.max(at, now);
            if (tokens < SCALE) {
                return false;
            }
            tokens -= SCALE;
            return true;
        }
    }
}
