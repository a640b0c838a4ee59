package dev.autotls.acmedns;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything the responder runs with. Built from acme-dns's {@code config.cfg} by
 * {@link ConfigFile}, or in code with {@link #builder(String)} when embedded.
 *
 * @param zone            the zone served ({@code [general] domain}), lower case, no trailing dot
 * @param nsName          primary name server of the SOA ({@code nsname})
 * @param nsAdmin         SOA mailbox ({@code nsadmin})
 * @param staticRecords   zone-file lines served as they are ({@code records})
 * @param dnsAddress      where DNS listens ({@code listen})
 * @param udp             whether DNS answers over UDP ({@code protocol})
 * @param tcp             whether DNS answers over TCP
 * @param tcpLimits       how TCP connections are shared ({@code [autotls] tcp_*})
 * @param rateLimit       response rate limiting over UDP ({@code [autotls] rrl_*})
 * @param database        where accounts persist ({@code [database] engine} and {@code connection})
 * @param apiAddress      where the HTTP API listens ({@code [api] ip}, {@code port})
 * @param apiTls          {@code none}, {@code cert}, {@code letsencrypt} or {@code letsencryptstaging}
 * @param tlsKey          PEM key for {@code cert}
 * @param tlsChain        PEM chain for {@code cert}
 * @param acmeCacheDir    storage for the API's own certificate ({@code letsencrypt*})
 * @param notificationEmail contact for the API's own certificate
 * @param registrationOpen  false when {@code disable_registration} is set
 * @param corsOrigins     origins allowed to call the API from a browser
 * @param useHeader       whether the client address comes from {@code headerName}
 * @param headerName      e.g. {@code X-Forwarded-For}
 * @param txtValues       TXT values kept per account (acme-dns: 2)
 * @param registrationBurst      registrations one client address may make at once (a token bucket's size)
 * @param registrationsPerMinute per client address once the burst is spent
 * @param failedAuthPerMinute    per client address
 * @param maxBodyBytes    largest accepted request body
 */
public record ResponderConfig(
        String zone, String nsName, String nsAdmin, List<String> staticRecords,
        InetSocketAddress dnsAddress, boolean udp, boolean tcp, TcpLimits tcpLimits, ResponseRateLimit rateLimit,
        Database database,
        InetSocketAddress apiAddress, String apiTls, Path tlsKey, Path tlsChain, Path acmeCacheDir, String notificationEmail,
        boolean registrationOpen, List<String> corsOrigins, boolean useHeader, String headerName,
        int txtValues, int registrationBurst, int registrationsPerMinute, int failedAuthPerMinute, int maxBodyBytes) {

    /** acme-dns has no limit, and a first start registers one account per base name: a burst this size passes. */
    public static final int DEFAULT_REGISTRATION_BURST = 200;
    /** What a sustained flood of registrations from one address gets, once the burst is spent. */
    public static final int DEFAULT_REGISTRATIONS_PER_MINUTE = 10;

    public ResponderConfig {
        zone = normalize(zone);
        nsName = normalize(nsName);
        nsAdmin = normalize(nsAdmin);
        staticRecords = List.copyOf(staticRecords);
        Objects.requireNonNull(tcpLimits, "tcpLimits");
        Objects.requireNonNull(rateLimit, "rateLimit");
        Objects.requireNonNull(database, "database");
        corsOrigins = List.copyOf(corsOrigins);
        if (txtValues < 1 || txtValues > 100) {
            throw new IllegalArgumentException("txt_values = " + txtValues + ": keep between 1 and 100 values per account");
        }
        if (registrationBurst < 1 || registrationsPerMinute < 0 || failedAuthPerMinute < 1) {
            throw new IllegalArgumentException("registration_burst = " + registrationBurst + ", registrations_per_minute = "
                    + registrationsPerMinute + ", failed_auth_per_minute = " + failedAuthPerMinute
                    + ": the burst and failed_auth_per_minute need at least 1, registrations_per_minute at least 0");
        }
    }

    private static String normalize(String name) {
        String lower = name.trim().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    public static Builder builder(String zone) {
        return new Builder(zone);
    }

    /** Settings for embedding the responder; defaults are those of a fresh acme-dns install, on loopback. */
    public static final class Builder {
        private final String zone;
        private String nsName;
        private String nsAdmin;
        private final List<String> records = new ArrayList<>();
        private InetSocketAddress dns = new InetSocketAddress("127.0.0.1", 53);
        private boolean udp = true;
        private boolean tcp = true;
        private TcpLimits tcpLimits = TcpLimits.DEFAULTS;
        private ResponseRateLimit rateLimit = ResponseRateLimit.DEFAULTS;
        private Database database = Database.sqlite(Path.of("acme-dns.db"));
        private InetSocketAddress api = new InetSocketAddress("127.0.0.1", 443);
        private boolean registrationOpen = true;
        private int txtValues = 2;
        private boolean useHeader;
        private String headerName = "X-Forwarded-For";
        private int registrationBurst = DEFAULT_REGISTRATION_BURST;
        private int registrationsPerMinute = DEFAULT_REGISTRATIONS_PER_MINUTE;
        private int failedAuthPerMinute = 30;
        private int maxBodyBytes = 64 * 1024;

        private Builder(String zone) {
            this.zone = zone;
            this.nsName = zone;
            this.nsAdmin = "hostmaster." + zone;
        }

        public Builder nsName(String value) {
            nsName = value;
            return this;
        }

        public Builder nsAdmin(String value) {
            nsAdmin = value;
            return this;
        }

        public Builder record(String zoneFileLine) {
            records.add(zoneFileLine);
            return this;
        }

        public Builder dns(InetSocketAddress address) {
            dns = address;
            return this;
        }

        /** Which transports DNS answers on ({@code protocol} = udp, tcp or both); both by default. */
        public Builder transports(boolean overUdp, boolean overTcp) {
            if (!overUdp && !overTcp) {
                throw new IllegalArgumentException("transports(false, false): DNS needs UDP, TCP or both");
            }
            udp = overUdp;
            tcp = overTcp;
            return this;
        }

        /** How DNS over TCP shares its connections; {@link TcpLimits#DEFAULTS} unless set. */
        public Builder tcpLimits(TcpLimits limits) {
            tcpLimits = limits;
            return this;
        }

        /** Response rate limiting over UDP; {@link ResponseRateLimit#DEFAULTS} unless set, {@link ResponseRateLimit#OFF} to turn it off. */
        public Builder rateLimit(ResponseRateLimit limit) {
            rateLimit = limit;
            return this;
        }

        public Builder api(InetSocketAddress address) {
            api = address;
            return this;
        }

        /** An SQLite file (acme-dns's {@code engine = "sqlite3"}). */
        public Builder database(Path file) {
            database = Database.sqlite(file);
            return this;
        }

        /** An SQLite file or a PostgreSQL database, e.g. {@code Database.postgres("postgres://...")}. */
        public Builder database(Database where) {
            database = where;
            return this;
        }

        public Builder registrationOpen(boolean open) {
            registrationOpen = open;
            return this;
        }

        public Builder txtValues(int count) {
            txtValues = count;
            return this;
        }

        public Builder clientAddressHeader(String name) {
            useHeader = name != null;
            if (name != null) {
                headerName = name;
            }
            return this;
        }

        /** Per client address: {@code burst} registrations at once, then {@code perMinute} a minute; more get 429. */
        public Builder registrationLimit(int burst, int perMinute) {
            registrationBurst = burst;
            registrationsPerMinute = perMinute;
            return this;
        }

        /** Per client address and minute: failed authentications before 429. */
        public Builder failedAuthLimit(int perMinute) {
            failedAuthPerMinute = perMinute;
            return this;
        }

        public Builder maxBodyBytes(int bytes) {
            maxBodyBytes = bytes;
            return this;
        }

        public ResponderConfig build() {
            return new ResponderConfig(zone, nsName, nsAdmin, records, dns, udp, tcp, tcpLimits, rateLimit, database, api, "none", null, null,
                    null, "", registrationOpen, List.of(), useHeader, headerName, txtValues, registrationBurst,
                    registrationsPerMinute, failedAuthPerMinute, maxBodyBytes);
        }
    }

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
        public Duration idleTimeout(int open) {
            return open * 2 > maxConnections ? busyIdleTimeout : idleTimeout;
        }
    }

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
}
