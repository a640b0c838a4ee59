package dev.autotls.internal.acmedns;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.autotls.acmedns.ResponderConfig.ResponseRateLimit;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Decides, answer by answer, what {@link ResponseRateLimit} lets out over UDP: the answer,
 * a truncated copy, or nothing. One token bucket per client network and answer class,
 * found by a keyed 64-bit hash of both (the key is random per process, so nobody can aim
 * collisions at another client's bucket). Quiet buckets are forgotten once they would be
 * full again, and at most {@link #MAX_BUCKETS} are kept, the least used going first.
 *
 * <p>The class is read from the answer's own wire form: its rcode, whether it has records,
 * and the question's name (case folded) and type.
 */
final class ResponseRateLimiter {
    static final int MAX_BUCKETS = 100_000;

    enum Verdict { SEND, TRUNCATE, DROP }

    private static final int POSITIVE = 1;
    private static final int NODATA = 2;
    private static final int NXDOMAIN = 3;
    private static final int ERROR = 4;

    private final ResponseRateLimit settings;
    private final DefenceCounters counters;
    private final LongSupplier nanoTime;
    private final long seed = new SecureRandom().nextLong();
    private final double tokensPerNano;
    private final double floor;
    private final Cache<Long, Bucket> buckets;

    ResponseRateLimiter(ResponseRateLimit settings, DefenceCounters counters) {
        this(settings, counters, System::nanoTime);
    }

    /** With a clock of its own (tests). */
    ResponseRateLimiter(ResponseRateLimit settings, DefenceCounters counters, LongSupplier nanoTime) {
        this.settings = settings;
        this.counters = counters;
        this.nanoTime = nanoTime;
        this.tokensPerNano = settings.responsesPerSecond() / 1e9;
        this.floor = -(double) settings.windowSeconds() * settings.responsesPerSecond();
        this.buckets = Caffeine.newBuilder().maximumSize(MAX_BUCKETS).ticker(nanoTime::getAsLong)
                // from the floor a bucket is full again after window + 1 s: forgetting it then changes nothing
                .expireAfterAccess(Duration.ofSeconds(settings.windowSeconds() + 2)).build();
    }

    /** What to send to {@code client} in place of {@code answer} (a whole DNS message as it would go out). */
    Verdict check(InetAddress client, byte[] answer) {
        long now = nanoTime.getAsLong();
        Bucket bucket = buckets.get(key(client, answer), k -> new Bucket(settings.responsesPerSecond(), now));
        Verdict verdict = bucket.spend(now, tokensPerNano, settings.responsesPerSecond(), floor, settings.slip());
        if (verdict == Verdict.TRUNCATE) {
            counters.udpTruncated.increment();
        } else if (verdict == Verdict.DROP) {
            counters.udpDropped.increment();
        }
        return verdict;
    }

    /**
     * The answer cut to its header and question, with TC set: too small to reflect anything,
     * and a real client asks again over TCP.
     */
    static byte[] truncated(byte[] answer) {
        int end = questionEnd(answer);
        byte[] cut = Arrays.copyOf(answer, end);
        cut[2] |= 0x02; // TC
        cut[4] = 0;
        cut[5] = (byte) (end > 12 ? 1 : 0); // QDCOUNT
        Arrays.fill(cut, 6, 12, (byte) 0); // no answer, authority or additional records
        return cut;
    }

    private long key(InetAddress client, byte[] answer) {
        long h = mix(seed ^ network(client));
        int rcode = answer[3] & 0x0F;
        int records = ((answer[6] & 0xFF) << 8) | (answer[7] & 0xFF);
        int kind = rcode == 0 ? (records > 0 ? POSITIVE : NODATA) : rcode == 3 ? NXDOMAIN : ERROR;
        h = mix(h ^ kind);
        if (kind == POSITIVE || kind == NODATA) { // NXDOMAIN: one bucket for the zone; errors: one per network
            int end = questionEnd(answer);
            for (int i = 12; i < end - 4; i++) {
                int b = answer[i] & 0xFF;
                h = (h ^ (b >= 'A' && b <= 'Z' ? b + 32 : b)) * 0x100000001B3L;
            }
            if (end > 12) {
                h = mix(h ^ (((answer[end - 4] & 0xFF) << 8) | (answer[end - 3] & 0xFF))); // QTYPE
            }
        }
        return mix(h);
    }

    /** The client's network: the address cut to the prefix length, tagged with its family. */
    private long network(InetAddress client) {
        byte[] raw = client.getAddress();
        if (client instanceof Inet4Address) {
            long address = ((raw[0] & 0xFFL) << 24) | ((raw[1] & 0xFFL) << 16) | ((raw[2] & 0xFFL) << 8) | (raw[3] & 0xFFL);
            return (address & (0xFFFFFFFFL << (32 - settings.ipv4PrefixLength()))) | (4L << 32);
        }
        long high = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (raw[i] & 0xFF);
        }
        long mask = settings.ipv6PrefixLength() == 64 ? -1L : ~(-1L >>> settings.ipv6PrefixLength());
        return mix(high & mask) ^ 6;
    }

    /** Where the first question ends (12 when there is none or it cannot be read). */
    private static int questionEnd(byte[] message) {
        int questions = ((message[4] & 0xFF) << 8) | (message[5] & 0xFF);
        if (questions == 0) {
            return 12;
        }
        int i = 12;
        while (i < message.length) {
            int length = message[i] & 0xFF;
            if (length == 0) {
                i++;
                break;
            }
            if ((length & 0xC0) != 0) {
                return 12; // a pointer or an extended label in the first name: not this server's answer
            }
            i += length + 1;
        }
        return i + 4 <= message.length ? i + 4 : 12;
    }

    /** The finalizer of MurmurHash3: every input bit moves every output bit. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }

    /** Tokens of one client network and answer; negative is debt, down to the window's worth. */
    private static final class Bucket {
        private double tokens;
        private long last;
        private long heldBack;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.last = now;
        }

        synchronized Verdict spend(long now, double tokensPerNano, double rate, double floor, int slip) {
            tokens = Math.min(rate, tokens + (now - last) * tokensPerNano);
            last = now;
            tokens -= 1;
            if (tokens >= 0) {
                heldBack = 0;
                return Verdict.SEND;
            }
            tokens = Math.max(tokens, floor);
            // the first held back slips, then every slip-th: a real client learns of TCP at once
            return slip > 0 && heldBack++ % slip == 0 ? Verdict.TRUNCATE : Verdict.DROP;
        }
    }
}
