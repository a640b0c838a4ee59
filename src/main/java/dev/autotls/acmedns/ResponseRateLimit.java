package dev.autotls.acmedns;

/**
 * Response rate limiting for DNS over UDP, so the responder cannot be used to reflect
 * answers at a victim whose address is forged into queries. Answers to one client network
 * ({@code /ipv4PrefixLength}, {@code /ipv6PrefixLength}) that are the same answer (the same
 * name and type answered, or for NXDOMAIN the zone, or for an error its rcode class) may go
 * out {@code responsesPerSecond} a second; a client that asks faster runs into debt of up
 * to {@code windowSeconds} seconds of answers, which it pays off before it is answered
 * again. Of the answers held back, every {@code slip}-th goes out truncated (TC, no records)
 * so that a real client behind the forged address retries over TCP, which is never limited;
 * the others are dropped. TCP is not limited: its source address cannot be forged.
 *
 * <p>The defaults are those of knot's documented example and NSD's own: 200 a second per
 * answer and network, every second held-back answer truncated. A CA validates a name with
 * a handful of queries from each of a few networks, far below that.
 *
 * @param responsesPerSecond {@code [autotls] rrl_responses_per_second}; 0 turns rate limiting off
 * @param windowSeconds      {@code rrl_window_seconds}
 * @param slip               {@code rrl_slip}: 0 drops every held-back answer, 1 truncates every one
 * @param ipv4PrefixLength   {@code rrl_ipv4_prefix_length}
 * @param ipv6PrefixLength   {@code rrl_ipv6_prefix_length}
 */
public record ResponseRateLimit(int responsesPerSecond, int windowSeconds, int slip, int ipv4PrefixLength,
                                int ipv6PrefixLength) {
    public static final ResponseRateLimit DEFAULTS = new ResponseRateLimit(200, 5, 2, 24, 56);
    /** No rate limiting: every query is answered in full (benchmarks of raw speed). */
    public static final ResponseRateLimit OFF = new ResponseRateLimit(0, 5, 2, 24, 56);

    public ResponseRateLimit {
        if (responsesPerSecond < 0 || responsesPerSecond > 1_000_000) {
            throw new IllegalArgumentException("rrl_responses_per_second = " + responsesPerSecond
                    + ": give 1 to 1000000, or 0 to turn rate limiting off");
        }
        if (windowSeconds < 1 || windowSeconds > 3600) {
            throw new IllegalArgumentException("rrl_window_seconds = " + windowSeconds + ": give 1 to 3600");
        }
        if (slip < 0 || slip > 10) {
            throw new IllegalArgumentException("rrl_slip = " + slip + ": give 0 (drop all) to 10");
        }
        if (ipv4PrefixLength < 1 || ipv4PrefixLength > 32) {
            throw new IllegalArgumentException("rrl_ipv4_prefix_length = " + ipv4PrefixLength + ": give 1 to 32");
        }
        if (ipv6PrefixLength < 1 || ipv6PrefixLength > 64) {
            throw new IllegalArgumentException("rrl_ipv6_prefix_length = " + ipv6PrefixLength + ": give 1 to 64");
        }
    }

    public boolean enabled() {
        return responsesPerSecond > 0;
    }
}
