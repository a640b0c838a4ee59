package dev.autotls.acmedns;

import dev.autotls.acmedns.AcmeDnsServer.DefenceCounts;
import dev.autotls.internal.acmedns.AccountStore;
import dev.autotls.internal.acmedns.ApiHandler;
import dev.autotls.internal.acmedns.BindFailure;
import dev.autotls.internal.acmedns.Databases;
import dev.autotls.internal.acmedns.DefenceCounters;
import dev.autotls.internal.acmedns.DnsAnswerer;
import dev.autotls.internal.acmedns.TcpDnsServer;
import dev.autotls.internal.acmedns.TxtRecords;
import dev.autotls.internal.acmedns.UdpDnsServer;
import dev.autotls.internal.acmedns.Zone;
import dev.autotls.internal.jetty.TlsConnectors;
import dev.autotls.internal.store.Pem;
import dev.autotls.internal.tls.CertificateRegistry;
import dev.autotls.internal.tls.CertifiedKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acme-dns responder: an authoritative DNS server for one zone (UDP and TCP) and the
 * acme-dns HTTP API, over one {@link AccountStore}. A drop-in for acme-dns: same config
 * file, same database, same API. Runs alone ({@code java -jar autotls.jar acme-dns}) or
 * inside an application.
 *
 * <p>With {@code [api] tls = "letsencrypt"} (or {@code letsencryptstaging}) the API has no
 * connector of its own: whoever starts the responder installs autotls on {@link #apiServer()}
 * (validating through {@link #publishTxt}) and then calls {@link #startApi()}. The
 * responder itself knows nothing of certificate management.
 */
public final class AcmeDnsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AcmeDnsServer.class);
    /** How often a DNS port of 0 is tried again when TCP finds UDP's number taken. */
    private static final int PORT_ATTEMPTS = 50;
    private static final Duration DEFENCE_LOG_INTERVAL = Duration.ofMinutes(1);

    private final ResponderConfig config;
    private final AccountStore store;
    private final TxtRecords txt;
    private final UdpDnsServer udp;
    private final TcpDnsServer tcp;
    private final Server api;
    private final ServerConnector apiConnector;
    private final DefenceCounters counters = new DefenceCounters();
    private final Scheduler housekeeping = new ScheduledExecutorScheduler("acmedns-defences", true);
    private DefenceCounts logged = new DefenceCounts(0, 0, 0, 0, 0, 0); // guarded by this

    /** Builds every part; opens no socket and starts no thread (that is {@link #start}'s work). */
    private AcmeDnsServer(ResponderConfig config, AccountStore store, Clock clock) throws IOException, AccountStore.StoreException {
        this.config = config;
        this.store = store;
        // several responders on one database: answer from it, or B would miss what A just stored
        this.txt = store.shared() ? TxtRecords.readingThrough(store) : new TxtRecords();
        for (Map.Entry<String, List<String>> account : store.allValues().entrySet()) {
            txt.put(account.getKey(), account.getValue());
        }
        Zone zone = new Zone(config, serial(clock.instant()));
        DnsAnswerer answerer = new DnsAnswerer(zone, txt);
        this.udp = config.udp() ? new UdpDnsServer(answerer, config.rateLimit(), counters, 2) : null;
        this.tcp = config.tcp() ? new TcpDnsServer(answerer, config.tcpLimits(), counters) : null;

        QueuedThreadPool threads = new QueuedThreadPool(32, 4);
        threads.setName("acmedns-api");
        this.api = new Server(threads);
        this.api.setHandler(new ApiHandler(config, store, txt, clock));
        switch (config.apiTls()) {
            case "none":
                apiConnector = new ServerConnector(api);
                break;
            case "cert":
                apiConnector = TlsConnectors.https(api, TlsConnectors.sslContext(fileCertificate(config)), null, 0);
                break;
            default:
                apiConnector = null; // letsencrypt: the caller installs autotls on apiServer()
        }
        if (apiConnector != null) {
            apiConnector.setHost(config.apiAddress().getAddress().isAnyLocalAddress() ? null
                    : config.apiAddress().getAddress().getHostAddress());
            apiConnector.setPort(config.apiAddress().getPort());
            api.addConnector(apiConnector);
        }
    }

    /**
     * Opens the database, starts DNS and, unless the API waits for autotls, the API. When any
     * part fails, whatever was opened so far (sockets, threads, the database) is closed before
     * the failure is thrown, with a message of one sentence that names the setting.
     *
     * @throws IOException when a port cannot be bound or the database cannot be opened
     */
    public static AcmeDnsServer start(ResponderConfig config) throws IOException {
        AccountStore store;
        try {
            store = Databases.open(config.database());
        } catch (AccountStore.StoreException e) {
            throw new IOException(e.getMessage(), e);
        }
        try {
            return start(config, store, Clock.systemUTC());
        } catch (AccountStore.StoreException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static AcmeDnsServer start(ResponderConfig config, AccountStore store, Clock clock)
            throws IOException, AccountStore.StoreException {
        AcmeDnsServer server = null;
        try {
            server = new AcmeDnsServer(config, store, clock);
            server.startDns();
            if (server.apiConnector != null) {
                server.startApi();
            }
            return server;
        } catch (IOException | AccountStore.StoreException | RuntimeException e) {
            if (server != null) {
                server.close();
            } else {
                store.close();
            }
            throw e;
        }
    }

    private void startDns() throws IOException {
        bindDns();
        if (udp != null) {
            udp.start();
        }
        if (tcp != null) {
            tcp.start();
        }
        try {
            housekeeping.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the responder's housekeeping thread", e);
        }
        housekeeping.schedule(this::logDefences, DEFENCE_LOG_INTERVAL.toSeconds(), TimeUnit.SECONDS);
        LOG.info("acme-dns responder for {}: DNS on port {} ({}{}), {} accounts loaded.", config.zone(), dnsPort(),
                udp != null ? "udp" : "", tcp != null ? (udp != null ? "+tcp" : "tcp") : "", txt.registeredCount());
    }

    /**
     * UDP and TCP on one port. With port 0 the UDP socket picks the number, which TCP may
     * find taken (the local port of some outgoing connection, or another listener): then both
     * let go and try another number, up to {@link #PORT_ATTEMPTS} times.
     */
    private void bindDns() throws IOException {
        InetSocketAddress wanted = config.dnsAddress();
        for (int attempt = 1; ; attempt++) {
            int port = wanted.getPort();
            if (udp != null) {
                try {
                    udp.bind(wanted);
                } catch (IOException e) {
                    throw BindFailure.of("DNS over UDP", "[general] listen", wanted, e);
                }
                port = udp.port();
            }
            if (tcp == null) {
                return;
            }
            InetSocketAddress tcpAddress = new InetSocketAddress(wanted.getAddress(), port);
            try {
                tcp.bind(tcpAddress);
                return;
            } catch (IOException e) {
                if (udp != null) {
                    udp.close();
                }
                if (udp == null || wanted.getPort() != 0 || !BindFailure.inUse(e) || attempt == PORT_ATTEMPTS) {
                    throw BindFailure.of("DNS over TCP", "[general] listen", tcpAddress, e);
                }
            }
        }
    }

    /**
     * Starts the HTTP API (after autotls was installed on {@link #apiServer()}, for the
     * letsencrypt modes). On failure the caller closes the responder.
     */
    public void startApi() throws IOException {
        try {
            api.start();
        } catch (Exception e) {
            throw BindFailure.of("The acme-dns API", "[api] ip and port", config.apiAddress(), e);
        }
        LOG.info("acme-dns API on port {} (tls {}), registration {}.", apiPort(), config.apiTls(),
                config.registrationOpen() ? "open" : "closed");
    }

    public Server apiServer() {
        return api;
    }

    public ResponderConfig config() {
        return config;
    }

    public int dnsPort() {
        return udp != null ? udp.port() : tcp.port();
    }

    /** The API's port (for a connector of its own), or -1 before the API is listening. */
    public int apiPort() {
        for (var connector : api.getConnectors()) {
            if (connector instanceof ServerConnector && ((ServerConnector) connector).getLocalPort() > 0) {
                return ((ServerConnector) connector).getLocalPort();
            }
        }
        return -1;
    }

    /** Once a minute, what the defences did in that minute, when they did anything. */
    private void logDefences() {
        try {
            logDefences("in the last minute");
        } finally {
            if (housekeeping.isRunning()) {
                housekeeping.schedule(this::logDefences, DEFENCE_LOG_INTERVAL.toSeconds(), TimeUnit.SECONDS);
            }
        }
    }

    private synchronized void logDefences(String when) {
        DefenceCounts now = counters.snapshot();
        DefenceCounts since = now.since(logged);
        logged = now;
        if (!since.isZero()) {
            LOG.info("DNS defences {}: {}.", when, since.summary());
        }
    }

    /** What the DNS defences (TCP connection sharing, response rate limiting) did since the start. */
    public DefenceCounts defenceCounts() {
        return counters.snapshot();
    }

    /** Serves TXT values at {@code name} (inside the zone); an empty list withdraws them. */
    public void publishTxt(String name, List<String> values) {
        txt.putName(name, values);
    }

    @Override
    public void close() {
        try {
            api.stop();
        } catch (Exception e) {
            LOG.debug("stopping the API", e);
        }
        try {
            housekeeping.stop();
        } catch (Exception e) {
            LOG.debug("stopping the housekeeping thread", e);
        }
        if (udp != null) {
            udp.close();
        }
        if (tcp != null) {
            tcp.close();
        }
        logDefences("since the last report"); // what the last minute did is not lost with the process
        store.close();
    }

    private static CertificateRegistry fileCertificate(ResponderConfig config) throws IOException {
        PrivateKey key = Pem.decodePrivateKey(Files.readAllBytes(config.tlsKey()), config.tlsKey().toString());
        List<X509Certificate> chain = Pem.decodeChain(Files.readAllBytes(config.tlsChain()), config.tlsChain().toString());
        CertificateRegistry registry = new CertificateRegistry();
        registry.publish(new CertifiedKey(List.of(config.zone()), chain, key, false));
        return registry;
    }

    /** A SOA serial in the customary YYYYMMDDnn form from the start time. */
    private static long serial(Instant now) {
        java.time.ZonedDateTime utc = now.atZone(java.time.ZoneOffset.UTC);
        return utc.getYear() * 1_000_000L + utc.getMonthValue() * 10_000L + utc.getDayOfMonth() * 100L + 1;
    }

    /**
     * What the DNS defences did since the responder started, as one immutable snapshot
     * ({@link AcmeDnsServer#defenceCounts()}), for logs, status and metrics.
     *
     * @param udpDropped              UDP answers rate limiting held back and dropped
     * @param udpTruncated            UDP answers rate limiting held back and sent truncated (TC), so the client asks over TCP
     * @param tcpClosedIdle           TCP connections closed after their idle timeout (or an answer that took too long)
     * @param tcpClosedForNewcomer    idle TCP connections closed because all slots were taken and a new one came
     * @param tcpClosedOverAddressCap idle TCP connections closed because their address opened more than its cap
     * @param tcpRefused              new TCP connections closed at once: every slot held a query being answered
     */
    public record DefenceCounts(long udpDropped, long udpTruncated, long tcpClosedIdle, long tcpClosedForNewcomer,
                                long tcpClosedOverAddressCap, long tcpRefused) {

        /** What happened between {@code earlier} and this snapshot. */
        public DefenceCounts since(DefenceCounts earlier) {
            return new DefenceCounts(udpDropped - earlier.udpDropped, udpTruncated - earlier.udpTruncated,
                    tcpClosedIdle - earlier.tcpClosedIdle, tcpClosedForNewcomer - earlier.tcpClosedForNewcomer,
                    tcpClosedOverAddressCap - earlier.tcpClosedOverAddressCap, tcpRefused - earlier.tcpRefused);
        }

        public boolean isZero() {
            return udpDropped == 0 && udpTruncated == 0 && tcpClosedIdle == 0 && tcpClosedForNewcomer == 0
                    && tcpClosedOverAddressCap == 0 && tcpRefused == 0;
        }

        /** In words, leaving out what did not happen; "nothing" when all are zero. */
        public String summary() {
            java.util.List<String> parts = new java.util.ArrayList<>();
            if (udpLimited() > 0) {
                parts.add("rate limiting held back " + udpLimited() + " UDP answers (" + udpDropped + " dropped, " + udpTruncated
                        + " sent truncated)");
            }
            if (tcpClosedIdle > 0) {
                parts.add(tcpClosedIdle + " idle TCP connections closed");
            }
            if (tcpClosedForNewcomer > 0) {
                parts.add(tcpClosedForNewcomer + " idle TCP connections closed to make room for new ones");
            }
            if (tcpClosedOverAddressCap > 0) {
                parts.add(tcpClosedOverAddressCap + " TCP connections closed because their address held too many");
            }
            if (tcpRefused > 0) {
                parts.add(tcpRefused + " TCP connections refused while every slot was answering");
            }
            return parts.isEmpty() ? "nothing" : String.join("; ", parts);
        }

        /** UDP answers rate limiting held back, dropped or truncated. */
        public long udpLimited() {
            return udpDropped + udpTruncated;
        }
    }
}
