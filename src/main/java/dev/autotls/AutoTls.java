package dev.autotls;

import dev.autotls.acme.AcmeClient;
import dev.autotls.challenge.Http01Strategy;
import dev.autotls.challenge.TlsAlpn01Strategy;
import dev.autotls.dns.AuthoritativeDns;
import dev.autotls.jetty.HttpChallengeHandler;
import dev.autotls.jetty.TlsConnectors;
import dev.autotls.maintenance.Backoff;
import dev.autotls.maintenance.RenewalPolicy;
import dev.autotls.maintenance.RepeatingTask;
import dev.autotls.maintenance.TaskScheduler;
import dev.autotls.store.CertificateFiles;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.CertificateStore;
import dev.autotls.store.StorageKeys;
import dev.autotls.tls.CertificateRegistry;
import dev.autotls.tls.CertifiedKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.eclipse.jetty.util.annotation.ManagedOperation;
import org.eclipse.jetty.util.annotation.Name;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Self-configuring, self-renewing HTTPS for a Jetty 12 server.
 *
 * <pre>{@code
 * Server server = new Server();
 * server.setHandler(myHandler);
 * AutoTls.builder().build().installOn(server);   // settings from -Dautotls.*, AUTOTLS_* or builder calls
 * server.start();
 * }</pre>
 *
 * <p>Contract: {@link #installOn} adds an HTTPS connector (HTTP/2 and HTTP/1.1) and an
 * HTTP connector (ACME http-01 answers, redirects to HTTPS) and binds both at once, so a
 * port in use fails right there. When the server starts, HTTPS serves the stored
 * certificate or, the first time, a temporary self-signed one; certificates are obtained
 * and renewed in the background and swapped in without touching connectors or open
 * connections. Start-up never waits for the CA.
 */
@ManagedObject("Self-configuring, self-renewing HTTPS")
public final class AutoTls extends ContainerLifeCycle {
    private static final Logger LOG = LoggerFactory.getLogger(AutoTls.class);

    private final AutoTlsConfig config;
    private final CertificateRegistry registry = new CertificateRegistry();
    private final Http01Strategy http01;
    /**
     * Runs {@link TlsAlpn01Strategy#refreshFromStore()} every {@link TlsAlpn01Strategy#POLL_INTERVAL} on the
     * maintenance scheduler, so this instance answers tls-alpn-01 handshakes for orders another instance
     * placed without a handshake ever touching the store; null when no certificate may use tls-alpn-01.
     */
    private final RepeatingTask tlsAlpnPoll;
    private final CertificateManager manager;
    private final CertificateStore store;
    private final boolean ownedStore;
    private final String caFolder;
    private final AcmeClient acme;
    private final AuthoritativeDns dns;
    /** Injected (tests, tools), or null: then made in {@link #doStart} and ended in {@link #doStop}. */
    private final TaskScheduler injectedScheduler;
    private final Clock clock;
    private final SSLContext sslContext;
    private TaskScheduler runningScheduler;
    private ExecutorService runningWorkers;
    private WarmStart warmStart;
    private final OperationCounters counters = new OperationCounters();
    private final Listeners listeners;
    private Installation installation;
    private Server server;

    private AutoTls(Builder builder, AutoTlsConfig config) {
        this.config = config;
        Clock clock = builder.clock;
        this.listeners = builder.listeners.copy();
        listeners.add(counters);
        this.ownedStore = builder.store == null;
        this.store = builder.store != null ? builder.store : Stores.open(config.storage());
        String caFolder = StorageKeys.caFolder(config.caDirectory());
        StartupChecks.requireWritableStorage(config);
        this.caFolder = caFolder;
        this.acme = CaConnection.open(config, store, caFolder, clock);

        AuthoritativeDns dns = builder.dns != null ? builder.dns : new AuthoritativeDns(config.dnsResolvers());
        this.dns = dns;
        StrategyChoice strategies = StrategyChoice.wire(config, store, acme, dns, registry, clock);
        this.http01 = strategies.http01();
        TlsAlpn01Strategy tlsAlpn = strategies.tlsAlpn();
        List<ManagedCertificate> certificates = strategies.certificates(builder.strategy);
        this.tlsAlpnPoll = certificates.stream().anyMatch(c -> c.strategy.challengeTypes().contains(TlsAlpn01Strategy.NAME))
                ? new RepeatingTask(tlsAlpn::refreshFromStore, TlsAlpn01Strategy.POLL_INTERVAL, clock, LOG,
                        "Looking for tls-alpn-01 answers stored by other instances failed") : null;
        this.injectedScheduler = builder.scheduler;
        this.clock = clock;
        this.sslContext = TlsConnectors.sslContext(registry);
        this.manager = new CertificateManager(certificates, CaRotation.open(config, acme, store, clock), store,
                new CertificateFiles(store, caFolder), registry, new RenewalPolicy(RandomGenerator.getDefault()),
                Backoff.standard(), clock, config.keyType(), listeners,
                config.storage().syncInterval());
        if (builder.meterRegistry != null) {
            listeners.add(MicrometerBinding.bind(builder.meterRegistry, this::status, certificates.size()));
        }
        CertificateBeans.addTo(this, certificates.size()); // JMX, when the server has an MBeanContainer
    }

    /** A builder; every option can also come from {@code -Dautotls.*} or {@code AUTOTLS_*}, which win. */
    public static Builder builder() {
        return new Builder();
    }

    /** Shorthand for {@code builder().build().installOn(server)}: settings from system properties and environment only. */
    public static AutoTls install(Server server) {
        return builder().build().installOn(server);
    }

    /**
     * Adds the HTTPS and HTTP connectors and the challenge handler to {@code server}, and
     * this instance as a bean so it starts and stops with the server. Call it after
     * {@code server.setHandler(...)}. A convenience over {@link #attach(SslContextFactory.Server)}.
     *
     * @throws ConfigurationException if a port cannot be bound
     */
    public AutoTls installOn(Server server) {
        if (this.server != null) {
            throw new IllegalStateException("this AutoTls is already installed on a server");
        }
        this.server = server;
        installation = Installation.on(server, this, config,
                http -> new HttpChallengeHandler(http, http01::keyAuthorization, this::httpsPort));
        server.addBean(this);
        return this;
    }

    /**
     * The operators' handler: {@code GET /health} (200, or 503 with the reasons as JSON),
     * {@code GET /status} (the {@link #status()} model as JSON) and {@code GET /metrics}
     * (Prometheus text). {@link #installOn} serves it on {@code autotls.management.port}; an
     * application may instead mount it where it likes (behind its own access control).
     */
    public Handler managementHandler() {
        return new ManagementHandler(this::status, counters, clock);
    }

    /** The management listener's actual port, -1 when it is off. */
    public int managementPort() {
        return installation == null || installation.management == null ? -1 : installation.management.getLocalPort();
    }

    /**
     * Makes a TLS factory that someone else built (jetty-home's {@code ssl} module, Spring
     * Boot, the application) serve this instance's certificates, with hot swap: its protocols,
     * cipher suites, ALPN and the connectors' HTTP configuration and customizers stay as they
     * are; only where the certificates come from changes (any keystore it names is not used).
     * Call it before the factory starts, and add this AutoTls to the server as a bean (or
     * start it) so maintenance runs. http-01 needs {@link #challengeHandler()} in front of the
     * application's handler on the port the CA reaches.
     */
    public AutoTls attach(SslContextFactory.Server factory) {
        factory.setSslContext(sslContext);
        // the key manager picks by SNI from the registry; Jetty's own alias selection only knows keystores
        factory.setSniRequired(false);
        return this;
    }

    /** {@link #attach(SslContextFactory.Server)} for the TLS factory of {@code connector}, which must have one. */
    public AutoTls attach(ServerConnector connector) {
        SslConnectionFactory tls = connector.getConnectionFactory(SslConnectionFactory.class);
        if (tls == null) {
            throw new IllegalArgumentException("the connector " + connector + " has no TLS (no SslConnectionFactory); "
                    + "attach autotls to the HTTPS connector");
        }
        StartupChecks.acceptAcmeTls(config, connector); // tls-alpn-01 answers on it; a bare factory cannot negotiate acme-tls/1
        return attach(tls.getSslContextFactory());
    }

    /**
     * A handler that answers the CA's http-01 requests ({@code /.well-known/acme-challenge/...}) on
     * any connector and passes everything else to the handler it wraps; for servers whose
     * connectors autotls did not make ({@link #attach}). Wrap the application's handler with it
     * (or put it in front in the module's handler chain).
     */
    public Handler.Wrapper challengeHandler() {
        return new HttpChallengeHandler(null, http01::keyAuthorization, this::httpsPort);
    }

    /**
     * {@link #challengeHandler()} that also owns {@code plainConnector}, a plain HTTP connector someone
     * else added (Spring Boot): there it answers http-01 and redirects everything else to HTTPS on
     * {@code autotls.https.port}; requests on other connectors pass through.
     */
    public Handler.Wrapper challengeHandler(org.eclipse.jetty.server.Connector plainConnector) {
        return new HttpChallengeHandler(plainConnector, http01::keyAuthorization, this::httpsPort);
    }

    @Override
    protected void doStart() throws Exception {
        if (installation != null) {
            installation.requireChallengeHandlerIn(server);
        }
        StartupChecks.requireAgreementForANewAccount(config, store, caFolder);
        LOG.info("autotls: HTTPS on port {}, HTTP {}, CA {}, storage {}.", httpsPort(),
                httpPort() < 0 ? "off" : "on port " + httpPort(),
                config.caDirectory(), store.describe());
        if (injectedScheduler != null) {
            // an injected scheduler (tests) runs jobs itself, so a moved clock gives a finished job
            runningScheduler = injectedScheduler;
            manager.start(injectedScheduler, Runnable::run);
        } else {
            runningScheduler = TaskScheduler.system(clock);
            runningWorkers = OrderWorkers.forCertificates(manager.certificates().size());
            manager.start(runningScheduler, runningWorkers);
            warmStart = new WarmStart(acme, dns, registry, manager.certificates()).begin(server, installation, this);
        }
        if (tlsAlpnPoll != null) {
            tlsAlpnPoll.start(runningScheduler);
        }
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        WarmStart.stop(warmStart);
        if (tlsAlpnPoll != null) {
            tlsAlpnPoll.stop();
        }
        manager.stop();
        if (runningWorkers != null) { // both were made in doStart, not injected
            runningScheduler.close();
            runningWorkers.shutdownNow();
            runningWorkers = null;
        }
        runningScheduler = null;
        super.doStop();
    }

    /** Closes the store's connections if this instance opened the store (an injected one stays open). */
    @Override
    public void destroy() {
        if (ownedStore) {
            store.close();
        }
        super.destroy();
    }

    /** The store this instance keeps its state in (shared with the other instances of the site, if any). */
    public CertificateStore store() {
        return store;
    }

    /** Looks at once for certificates another instance stored, instead of waiting for the sync interval; how many it served. */
    public int syncWithStore() {
        return manager.syncNow();
    }

    public AutoTlsConfig config() {
        return config;
    }

    /** The live certificates; tests and tools may read it, and {@code publish} into it to swap by hand. */
    public CertificateRegistry registry() {
        return registry;
    }

    /** The certificate served for {@code name} right now, if any. */
    public Optional<X509Certificate> servedCertificate(String name) {
        return registry.lookup(name).map(CertifiedKey::leaf);
    }

    /** The HTTPS connector's actual port (useful with port 0), or the configured one before install. */
    public int httpsPort() {
        return Installation.port(Optional.ofNullable(installation).map(i -> i.https), config.httpsPort());
    }

    /** The HTTP connector's actual port, -1 when it is off. */
    public int httpPort() {
        return Installation.port(Optional.ofNullable(installation).map(i -> i.http), config.httpPort());
    }

    /**
     * The DNS records the owner must create once, as zone-file lines, for every configured
     * certificate (registering with the acme-dns server where needed; never orders).
     */
    public List<String> requiredRecords() throws AutoTlsException, InterruptedException {
        return RequiredRecords.of(manager.certificates());
    }

    /**
     * Every configured certificate as maintenance sees it now: what is served, where it came
     * from, the last attempt and its outcome, the next one, and whether the owner must act.
     * Immutable snapshots; reading never blocks maintenance or a handshake.
     */
    public List<CertificateStatus> status() {
        java.time.Instant now = clock.instant();
        List<CertificateStatus> all = new ArrayList<>();
        for (ManagedCertificate certificate : manager.certificates()) {
            all.add(StatusView.of(certificate, registry.lookup(certificate.firstName()).map(CertifiedKey::leaf).orElse(null), now));
        }
        return all;
    }

    /**
     * Orders a new certificate for the one that covers {@code name} now, through the usual
     * sequence (its lease, the CA circuit, back-off after failures).
     *
     * @throws IllegalArgumentException if no configured certificate covers {@code name}
     */
    @ManagedOperation(value = "Order a new certificate now for the one covering this name", impact = "ACTION")
    public void renew(@Name("name") String name) {
        if (!manager.renewNow(DomainNames.canonical(name))) {
            throw new IllegalArgumentException(name + " is not among the configured names " + config.domains());
        }
    }

    /** Reads the store again and serves what another instance stored, now; how many certificates it replaced. */
    @ManagedOperation(value = "Read the store again and serve what other instances stored", impact = "ACTION")
    public int reload() {
        return manager.reload();
    }

    @ManagedAttribute("How many certificates are configured")
    public int getCertificateCount() {
        return manager.certificates().size();
    }

    @ManagedAttribute("How many certificates wait for their owner to act")
    public int getOwnerActionsNeeded() {
        return (int) status().stream().filter(CertificateStatus::ownerActionNeeded).count();
    }

    @ManagedAttribute("The ACME directory")
    public String getCa() {
        return config.caDirectory().toString();
    }

    @ManagedAttribute("Where state is kept")
    public String getStorage() {
        return store.describe();
    }

    /** The certificates under maintenance, for tools in this package (status, doctor). */
    List<ManagedCertificate> managedCertificates() {
        return manager.certificates();
    }

    /** The CA client, for tools in this package (doctor). */
    AcmeClient acmeClient() {
        return acme;
    }

    /** The DNS client the strategies check records with, for tools in this package (doctor's CAA look-ups). */
    AuthoritativeDns dns() {
        return dns;
    }

    /**
     * Configures an {@link AutoTls}. Values set here are the application's defaults;
     * system properties ({@code -Dautotls.*}) and environment variables ({@code AUTOTLS_*})
     * override them. {@link #build()} validates everything at once.
     */
    public static final class Builder extends InjectionPoints<Builder> {
        private final java.util.Map<Setting, String> options = new java.util.EnumMap<>(Setting.class);
        private boolean readSystemSettings = true;

        private Builder() {
        }

        /**
         * Values given on a command line ({@code autotls.jar serve --domains=...}): unlike
         * {@link #set}, they win over {@code -Dautotls.*} and {@code AUTOTLS_*}, and errors name
         * them as options ({@code --https.port}).
         */
        public Builder commandLine(java.util.Map<Setting, String> given) {
            options.putAll(given);
            return this;
        }

        /** Ignore {@code -Dautotls.*} and {@code AUTOTLS_*}: only what is set here counts (for tests and tools). */
        public Builder ignoreSystemSettings() {
            this.readSystemSettings = false;
            return this;
        }

        /**
         * Validates the configuration and prepares storage and the CA client. No network.
         *
         * @throws ConfigurationException naming the setting, the value and what is allowed
         */
        public AutoTls build() {
            SettingSources sources = readSystemSettings
                    ? new SettingSources(options, System::getProperty, System::getenv, values())
                    : new SettingSources(options, key -> null, key -> null, values());
            if (readSystemSettings) {
                for (String unknown : SettingSources.unknownNames(System.getProperties().stringPropertyNames(),
                        System.getenv().keySet())) {
                    LOG.warn("Ignoring the unknown setting {}.", unknown);
                }
            }
            return new AutoTls(this, AutoTlsConfig.resolve(sources));
        }
    }
}
