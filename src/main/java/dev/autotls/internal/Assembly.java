package dev.autotls.internal;

import dev.autotls.CertificateStatus;
import dev.autotls.ConfigurationException;
import dev.autotls.Setting;
import dev.autotls.internal.acme.AcmeClient;
import dev.autotls.internal.acme.CaConnection;
import dev.autotls.internal.acme.ChallengeStrategy;
import dev.autotls.internal.challenge.Dns01Strategy;
import dev.autotls.internal.challenge.Http01Strategy;
import dev.autotls.internal.challenge.TlsAlpn01Strategy;
import dev.autotls.internal.config.AutoTlsConfig;
import dev.autotls.internal.config.LocalCaUse;
import dev.autotls.internal.config.StartupChecks;
import dev.autotls.internal.dns.AuthoritativeDns;
import dev.autotls.internal.engine.Backoff;
import dev.autotls.internal.engine.CaRotation;
import dev.autotls.internal.engine.CertificateManager;
import dev.autotls.internal.engine.CertificateWatcher;
import dev.autotls.internal.engine.JobsObserver;
import dev.autotls.internal.engine.Listeners;
import dev.autotls.internal.engine.ManagedCertificate;
import dev.autotls.internal.engine.ManagedSet;
import dev.autotls.internal.engine.OrderWorkers;
import dev.autotls.internal.engine.RenewalPolicy;
import dev.autotls.internal.engine.RepeatingTask;
import dev.autotls.internal.engine.StrategyChoice;
import dev.autotls.internal.engine.SystemScheduler;
import dev.autotls.internal.engine.WarmStart;
import dev.autotls.internal.engine.pacing.OrderPacing;
import dev.autotls.internal.jetty.Installation;
import dev.autotls.internal.jetty.TlsConnectors;
import dev.autotls.internal.localca.AuthorityStore;
import dev.autotls.internal.localca.LocalCa;
import dev.autotls.internal.ondemand.OnDemand;
import dev.autotls.internal.ondemand.OnDemandCounters;
import dev.autotls.internal.ops.MicrometerBinding;
import dev.autotls.internal.ops.OperationCounters;
import dev.autotls.internal.ops.StatusView;
import dev.autotls.internal.store.CertificateFiles;
import dev.autotls.internal.store.ManagedNamesFile;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.internal.store.Stores;
import dev.autotls.internal.tls.CertificateRegistry;
import dev.autotls.internal.tls.RegistryKeyManager;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.Scheduler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: every part one AutoTls is made of, wired from the parsed configuration
 * and what was injected, and the life cycle of its background work (the maintenance scheduler,
 * the order workers, the warm start, the tls-alpn-01 poll). {@code AutoTls} holds one as a
 * managed bean, so it starts, stops and restarts with it; internal tools reach it with
 * {@code autoTls.getBean(Assembly.class)}.
 */
public final class Assembly extends ContainerLifeCycle {
    private static final Logger LOG = LoggerFactory.getLogger(Assembly.class);

    private final AutoTlsConfig config;
    private final CertificateRegistry registry;
    private final Http01Strategy http01;
    /**
     * Runs {@link TlsAlpn01Strategy#refreshFromStore()} every {@link TlsAlpn01Strategy#POLL_INTERVAL}, so this
     * instance answers tls-alpn-01 handshakes for orders another instance placed without a handshake ever
     * touching the store; null when no certificate may use tls-alpn-01.
     */
    private final RepeatingTask tlsAlpnPoll;
    private final CertificateManager manager;
    /** The order queue of each CA account, shared through the store. */
    private final OrderPacing pacing;
    /** The configured names and those managed at run time, kept in the store. */
    private final ManagedSet managedSet;
    private final CertificateStore store;
    private final boolean ownedStore;
    private final String caFolder;
    private final AcmeClient acme;
    private final CaRotation cas;
    /** The built-in local CA, or null when {@code autotls.ca} names ACME CAs only. */
    private final LocalCa localCa;
    private final AuthoritativeDns dns;
    /** Injected (tests, tools), or null: then made in {@link #doStart} and ended in {@link #doStop}. */
    private final Scheduler injectedScheduler;
    private final Clock clock;
    private final SSLContext sslContext;
    private final OperationCounters counters = new OperationCounters();
    /** On-demand TLS, or null when {@code autotls.on-demand} is off. */
    private final OnDemand onDemand;
    private volatile Server server;
    private volatile Installation installation;
    private Scheduler runningScheduler;
    private OrderWorkers runningWorkers;
    private WarmStart warmStart;

    private Assembly(AutoTlsConfig config, Injections injected, CertificateStore store, boolean ownedStore) {
        this.config = config;
        this.registry = new CertificateRegistry(config.cacheCertificates());
        this.clock = injected.clock();
        this.store = store;
        this.ownedStore = ownedStore;
        Listeners listeners = new Listeners();
        injected.listeners().forEach(listeners::add);
        listeners.add(counters);
        this.caFolder = StorageKeys.caFolder(config.caDirectory());
        StartupChecks.requireWritableStorage(config);
        StartupChecks.requireSomeNames(config, store);
        StartupChecks.requireOnDemandPermission(config, injected.onDemand() != null);
        this.acme = CaConnection.open(config, store, caFolder, clock);
        this.localCa = localCa(config, store, clock);
        this.dns = new AuthoritativeDns(config.dnsResolvers());
        StrategyChoice strategies = StrategyChoice.wire(config, store, acme, dns, registry, clock);
        this.http01 = strategies.http01();
        TlsAlpn01Strategy tlsAlpn = strategies.tlsAlpn();
        ChallengeStrategy override = injected.dnsPublisher() == null ? null : new Dns01Strategy(injected.dnsPublisher());
        List<ManagedCertificate> certificates = strategies.certificates(override);
        this.tlsAlpnPoll = strategies.mayUseTlsAlpn() || (config.onDemand().enabled() && config.httpPort() < 0)
                || certificates.stream().anyMatch(c -> c.strategy.challengeTypes().contains(TlsAlpn01Strategy.NAME))
                ? new RepeatingTask(tlsAlpn::refreshFromStore, TlsAlpn01Strategy.POLL_INTERVAL, clock, LOG,
                        "Looking for tls-alpn-01 answers stored by other instances failed") : null;
        this.injectedScheduler = injected.scheduler();
        RegistryKeyManager keyManager = new RegistryKeyManager(registry);
        this.sslContext = TlsConnectors.sslContext(keyManager);
        RandomGenerator random = injected.random();
        this.cas = CaRotation.open(config, acme, localCa, store, clock, random);
        CertificateFiles files = new CertificateFiles(store, caFolder);
        this.manager = new CertificateManager(certificates, cas, store, files, registry, new RenewalPolicy(random),
                Backoff.standard(random), clock, random, config.keyType(), listeners, config.storage().syncInterval());
        this.pacing = OrderPacing.of(config.cas().cas(), store, clock, random);
        manager.paceOrders(pacing);
        this.managedSet = new ManagedSet(config.domains(), new ManagedNamesFile(store), files, manager,
                (names, origin) -> runTimeCertificate(strategies, names, origin, override), clock, this::status);
        if (config.onDemand().enabled()) {
            this.onDemand = OnDemand.wire(config.onDemand(), injected.onDemand(), managedSet, manager, registry, clock, listeners);
            keyManager.onDemand(onDemand.handshakes());
        } else {
            this.onDemand = null;
        }
        tlsAlpn.follow(managedSet::names);
        manager.watch(new CertificateWatcher() { // answers for run-time names too, as the set changes
            @Override
            public void added(ManagedCertificate certificate) {
                tlsAlpn.namesChanged();
            }

            @Override
            public void removed(ManagedCertificate certificate) {
                tlsAlpn.namesChanged();
            }
        });
        managedSet.load();
        if (injected.meterRegistry() != null) {
            listeners.add(MicrometerBinding.bind(injected.meterRegistry(), manager, this::status, this::status,
                    onDemandCounters(), registry::cacheStats));
            MicrometerBinding.bindQueues(injected.meterRegistry(), pacing.accounts());
        }
    }

    /**
     * Wires every part; no network. A store this method opened is closed again when a later
     * part refuses the configuration, so a failed build leaves no connection pool behind.
     *
     * @throws dev.autotls.ConfigurationException naming the setting, the value and what is allowed
     */
    public static Assembly assemble(AutoTlsConfig config, Injections injected) {
        boolean owned = injected.store() == null;
        CertificateStore store = owned ? Stores.open(config.storage(), config.names().of(Setting.STORAGE)) : injected.store();
        try {
            return new Assembly(config, injected, store, owned);
        } catch (RuntimeException | Error e) {
            if (owned) {
                store.close();
            }
            throw e;
        }
    }

    /**
     * The certificate for names managed at run time, its strategy chosen as for configured names (for
     * names obtained on demand: validated by connection); a local name is refused when this instance
     * has no local CA to issue it.
     */
    private ManagedCertificate runTimeCertificate(StrategyChoice strategies, List<String> names,
                                                  Function<String, CertificateStatus.Origin> origin,
                                                  ChallengeStrategy override) {
        if (localCa == null && config.cas().issuedLocally(names)) {
            throw new ConfigurationException(String.join(", ", names) + " can only come from the built-in local CA, "
                    + "which this instance does not run; add a local name to " + Setting.DOMAINS.key() + " or set "
                    + Setting.CA.key() + " = local");
        }
        if (origin.apply(names.get(0)) == CertificateStatus.Origin.ON_DEMAND) {
            return strategies.onDemandCertificate(names, origin);
        }
        return strategies.certificate(names, origin, override);
    }

    /** The local CA when some certificate may come from it (its store warns where it would keep its key unsealed). */
    private static LocalCa localCa(AutoTlsConfig config, CertificateStore store, Clock clock) {
        if (!config.usesLocalCa() && config.cas().localCa() == LocalCaUse.OFF) {
            return null;
        }
        return new LocalCa(new AuthorityStore(store, clock, config.names().assignment(Setting.STORAGE_KEY, "KEY")), clock);
    }

    /** The server whose connectors autotls made, for the warm start's self-requests after it has started. */
    public void installedOn(Server server, Installation installation) {
        this.server = server;
        this.installation = installation;
    }

    @Override
    protected void doStart() throws Exception {
        if (installation != null) {
            installation.requireChallengeHandlerIn(server);
        }
        StartupChecks.requireAgreementForANewAccount(config, store, caFolder);
        int httpsPort = installation == null ? config.httpsPort() : installation.httpsPort();
        int httpPort = installation == null ? config.httpPort() : installation.httpPort();
        LOG.info("autotls: HTTPS on port {}, HTTP {}, CA {}, storage {}.", httpsPort,
                httpPort < 0 ? "off" : "on port " + httpPort, config.caDirectory(), store.describe());
        try {
            // an injected scheduler (tests) only says when; the jobs run on the order workers and the warm
            // start runs, exactly as in production
            runningScheduler = injectedScheduler != null ? injectedScheduler : SystemScheduler.start(clock);
            runningWorkers = OrderWorkers.start();
            if (runningScheduler instanceof JobsObserver observer) {
                observer.observe(runningWorkers::idle);
            }
            // what is stored first, so the warm start knows whether an order is coming; then the warm start
            // before the jobs, so it is the CA's first contact and the orders wait for its answer
            manager.serveStored(runningWorkers);
            boolean localFirst = !config.needsAcme() && localCa != null; // every certificate goes to the local CA
            warmStart = new WarmStart(localFirst ? localCa : acme, cas.firstCircuit(localFirst), clock, dns, registry, manager)
                    .begin(server, installation == null ? -1 : httpsPort, installation == null ? -1 : httpPort);
            manager.start(runningScheduler, runningWorkers);
            if (onDemand != null) {
                onDemand.start(runningScheduler, runningWorkers);
                warnIfWaitingTakesTheThreads();
            }
            if (tlsAlpnPoll != null) {
                tlsAlpnPoll.start(runningScheduler);
            }
            super.doStart();
        } catch (Exception | Error e) {
            doStop(); // Jetty does not stop what failed to start: end the threads made above here
            throw e;
        }
    }

    /**
     * Each handshake waiting on demand holds one of the server's threads: more than half of them waiting at once
     * could leave too few for every other request. Said once at start, when the server's pool says its size.
     */
    private void warnIfWaitingTakesTheThreads() {
        if (server != null && server.getThreadPool() instanceof ThreadPool.SizedThreadPool pool
                && config.onDemand().waiting() > pool.getMaxThreads() / 2) {
            LOG.warn("{} = {} is more than half of the server's {} threads: handshakes waiting for certificates on demand "
                    + "could take the threads other requests need; lower it, or raise the thread pool's maxThreads.",
                    config.names().of(Setting.ON_DEMAND_WAITING), config.onDemand().waiting(), pool.getMaxThreads());
        }
    }

    @Override
    protected void doStop() throws Exception {
        WarmStart.stop(warmStart);
        if (tlsAlpnPoll != null) {
            tlsAlpnPoll.stop();
        }
        if (onDemand != null) {
            onDemand.stop();
        }
        manager.stop();
        if (runningScheduler != null && runningScheduler != injectedScheduler) { // made in doStart, not injected
            runningScheduler.close();
        }
        if (runningWorkers != null) { // null when a start was refused before it made them
            runningWorkers.shutdownNow();
            runningWorkers = null;
        }
        runningScheduler = null;
        super.doStop();
    }

    /** Closes the store's connections if this assembly opened the store (an injected one stays open). */
    @Override
    public void destroy() {
        if (ownedStore) {
            store.close();
        }
        super.destroy();
    }

    /** Every managed certificate as maintenance sees it now; immutable snapshots. */
    public List<CertificateStatus> status() {
        List<CertificateStatus> all = new ArrayList<>();
        for (ManagedCertificate certificate : manager.certificates()) {
            all.add(status(certificate));
        }
        return all;
    }

    /** The certificate whose first name is {@code firstName} as maintenance sees it now, if it is managed. */
    public Optional<CertificateStatus> status(String firstName) {
        return manager.certificate(firstName).map(this::status);
    }

    private CertificateStatus status(ManagedCertificate certificate) {
        return StatusView.of(certificate, clock.instant(), pacing.place(certificate.firstName()));
    }

    /** The set of managed names: configured, and managed at run time on any instance of the site. */
    public ManagedSet managedSet() {
        return managedSet;
    }

    public AutoTlsConfig config() {
        return config;
    }

    public CertificateRegistry registry() {
        return registry;
    }

    /** The CA accounts' order queues. */
    public OrderPacing pacing() {
        return pacing;
    }

    public CertificateManager manager() {
        return manager;
    }

    public List<ManagedCertificate> certificates() {
        return manager.certificates();
    }

    public CertificateStore store() {
        return store;
    }

    public AcmeClient acme() {
        return acme;
    }

    public AuthoritativeDns dns() {
        return dns;
    }

    public Http01Strategy http01() {
        return http01;
    }

    public OperationCounters counters() {
        return counters;
    }

    /** What on demand counted, or empty when it is off. */
    public Optional<OnDemandCounters> onDemandCounters() {
        return Optional.ofNullable(onDemand).map(OnDemand::counters);
    }

    public Clock clock() {
        return clock;
    }

    public SSLContext sslContext() {
        return sslContext;
    }
}
