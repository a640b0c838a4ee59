package dev.autotls;

import dev.autotls.internal.Assembly;
import dev.autotls.internal.BuilderSettings;
import dev.autotls.internal.config.DomainNames;
import dev.autotls.internal.engine.RequiredRecords;
import dev.autotls.internal.engine.RunTimeNames;
import dev.autotls.internal.jetty.HttpChallengeHandler;
import dev.autotls.internal.jetty.Installation;
import dev.autotls.internal.ops.CertificateBeans;
import dev.autotls.internal.ops.ManagementHandler;
import dev.autotls.internal.tls.CertifiedKey;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.Scheduler;
import dev.autotls.spi.TxtPublisher;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;

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
 * <p>Contract: {@link #installOn} adds an HTTPS connector (HTTP/2 and HTTP/1.1) and an HTTP connector (ACME http-01
 * answers, redirects to HTTPS) and binds both at once, so a port in use fails right there. When the server starts, HTTPS
 * serves the stored certificate or, the first time, a temporary self-signed one; certificates are obtained and renewed
 * in the background and swapped in without touching connectors or open connections. Start-up never waits for the CA.
 *
 * <p>A Jetty component: it starts and stops with the server it is installed on (or as a bean of any container), and
 * may be stopped and started again. With an {@code MBeanContainer} on the server it appears in JMX as
 * {@code dev.autotls:type=autotls}, with one {@code dev.autotls:type=certificatebean} per certificate.
 *
 * <p>{@code manage(Object)} and {@code unmanage(Object)}, inherited from Jetty's {@code ContainerLifeCycle},
 * are about beans (whether this component starts and stops a child); the names a site serves are
 * {@link #manage(Collection)} and {@link #unmanage(Collection)}, whose one-name overloads take a
 * {@code String} so that {@code manage("a.example")} is never a bean.
 */
public final class AutoTls extends ContainerLifeCycle {
    private final Assembly assembly;
    private Installation installation;

    private AutoTls(Assembly assembly) {
        this.assembly = assembly;
        addBean(assembly, true);
        CertificateBeans.addTo(this, assembly); // JMX, when the server has an MBeanContainer
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
     * Adds the HTTPS and HTTP connectors and the challenge handler to {@code server}, and this instance as a bean so it
     * starts and stops with the server. Call it after {@code server.setHandler(...)}. A convenience over {@link
     * #attach(SslContextFactory.Server)}.
     *
     * @throws ConfigurationException if a port cannot be bound
     * @throws IllegalStateException  if this instance is already installed on a server
     */
    public AutoTls installOn(Server server) {
        if (installation != null) {
            throw new IllegalStateException("this AutoTls is already installed on a server");
        }
        installation = Installation.install(server, this, assembly.config(), assembly.registry().localAddresses(),
                http -> new HttpChallengeHandler(http, assembly.http01()::keyAuthorization, this::httpsPort), assembly::installedOn);
        return this;
    }

    /**
     * The operators' handler ({@code GET /health}, {@code /status}, {@code /metrics}; see docs/operations.md), served on
     * {@code autotls.management.port} by {@link #installOn}, or mounted by the application behind its own access control.
     */
    public Handler managementHandler() {
        return new ManagementHandler(this::status, assembly.counters(), assembly.onDemandCounters(), assembly.clock(),
                assembly.pacing().accounts());
    }

    /** The management listener's actual port, -1 when it is off. */
    public int managementPort() {
        return installation == null ? -1 : installation.managementPort();
    }

    /**
     * Makes a TLS factory that someone else built (jetty-home's {@code ssl} module, Spring Boot, the application) serve
     * this instance's certificates, with hot swap: its protocols, cipher suites, ALPN and the connectors' HTTP
     * configuration and customizers stay as they are; only where the certificates come from changes (any keystore it
     * names is not used). Call it before the factory starts, and add this AutoTls to the server as a bean (or start it)
     * so maintenance runs. http-01 needs {@link #challengeHandler()} in front of the application's handler on the port
     * the CA reaches.
     */
    public AutoTls attach(SslContextFactory.Server factory) {
        Installation.attach(factory, assembly.sslContext());
        return this;
    }

    /**
     * {@link #attach(SslContextFactory.Server)} for the TLS factory of {@code connector}.
     *
     * @throws IllegalArgumentException if the connector has no TLS
     * @throws ConfigurationException   if {@code autotls.challenge=tls-alpn-01} and the connector cannot negotiate it
     */
    public AutoTls attach(ServerConnector connector) {
        return attach(Installation.tlsFactoryOf(connector, assembly.config()));
    }

    /**
     * A handler that answers the CA's http-01 requests on any connector and passes everything else to the handler it
     * wraps, for servers whose connectors autotls did not make ({@link #attach}).
     */
    public Handler.Wrapper challengeHandler() {
        return new HttpChallengeHandler(null, assembly.http01()::keyAuthorization, this::httpsPort);
    }

    /**
     * {@link #challengeHandler()} that also owns {@code plainConnector} (a plain HTTP connector someone else added):
     * there it answers http-01 and redirects everything else to HTTPS; other connectors pass through.
     */
    public Handler.Wrapper challengeHandler(Connector plainConnector) {
        return new HttpChallengeHandler(plainConnector, assembly.http01()::keyAuthorization, this::httpsPort);
    }

    /** The store this instance keeps its state in (shared with the other instances of the site, if any). */
    public CertificateStore store() {
        return assembly.store();
    }

    /** Looks at once for certificates another instance stored, instead of waiting for the sync interval; how many it served. */
    public int syncWithStore() {
        return assembly.manager().syncNow();
    }

    /**
     * The certificate served for {@code name} right now, if any (the temporary one included): what a handshake for it
     * gets, read from the store if memory does not hold it (waiting as a handshake does, at most 250 ms).
     */
    public Optional<X509Certificate> servedCertificate(String name) {
        return assembly.registry().lookup(name).map(CertifiedKey::leaf);
    }

    /** The HTTPS connector's actual port (useful with port 0), or the configured one while autotls made no connector. */
    public int httpsPort() {
        return installation == null ? assembly.config().httpsPort() : installation.httpsPort();
    }

    /** The HTTP connector's actual port, or the configured one while autotls made no connector; -1 when it is off. */
    public int httpPort() {
        return installation == null ? assembly.config().httpPort() : installation.httpPort();
    }

    /**
     * The DNS records the owner must create once, as zone-file lines, for every configured certificate (registering
     * with the acme-dns server where needed; never orders).
     *
     * @throws AutoTlsException    when a record cannot be worked out (the acme-dns server does not answer, ...)
     * @throws InterruptedException when the calling thread is interrupted while waiting for a server
     */
    public List<String> requiredRecords() throws AutoTlsException, InterruptedException {
        return RequiredRecords.of(assembly.certificates());
    }

    /**
     * Every managed certificate as maintenance sees it now: what is served, where it and each of its names came from,
     * the last attempt and its outcome, the next one, and whether the owner must act. Immutable snapshots; reading
     * never blocks maintenance or a handshake.
     */
    public List<CertificateStatus> status() {
        return assembly.status();
    }

    /**
     * Orders a new certificate for the one that covers {@code name} now, through the usual sequence (its lease, the CA
     * circuit, back-off after failures).
     *
     * @throws IllegalArgumentException if no managed certificate covers {@code name}
     */
    public void renew(String name) {
        if (!assembly.manager().renewNow(DomainNames.canonical(name))) {
            throw new IllegalArgumentException(name + " is not among the managed names " + managedNames());
        }
    }

    /**
     * Manages {@code names} from now on, here, on every instance sharing the store and after restarts (see
     * docs/names-at-run-time.md). Blocks the calling thread for the store write (one read and one write under the set's
     * lease, which may wait up to 10 s for another instance's change): the names are in the store when it returns, so
     * calls from one thread apply in order; do not call it on a handshake or selector thread.
     *
     * @return completes, on a thread of autotls's own (never inside its maintenance), with the status of each
     *         certificate covering {@code names} once each serves a CA-issued certificate, or exceptionally with the first
     * failure as an {@link AutoTlsException}; already failed with a {@link dev.autotls.spi.StorageException} when the
     * store could not be written (then nothing changed)
     * @throws ConfigurationException naming the value, for a name that is not a valid domain name or that no allowed
     *                                validation can prove; nothing changed
     */
    public CompletionStage<List<CertificateStatus>> manage(Collection<String> names) {
        return RunTimeNames.outsideEngine(assembly.managedSet().manage(RunTimeNames.canonical(names)));
    }

    /** {@link #manage(Collection)} for these names. */
    public CompletionStage<List<CertificateStatus>> manage(String... names) {
        return manage(List.of(names));
    }

    /** {@link #manage(Collection)} for one name; an overload of its own so that Jetty's {@code manage(Object bean)} is not it. */
    public CompletionStage<List<CertificateStatus>> manage(String name) {
        return manage(List.of(name));
    }

    /**
     * Stops managing {@code names} on every instance sharing the store (see docs/names-at-run-time.md). Blocks the
     * calling thread for the store write, as {@link #manage(Collection)} does.
     *
     * @return complete once the store is written and this instance no longer serves them; already failed with a
     *         {@link dev.autotls.spi.StorageException} if the store could not be written (nothing changed)
     * @throws ConfigurationException for a name that is not valid or is in {@code autotls.domains}; nothing changed
     */
    public CompletionStage<Void> unmanage(Collection<String> names) {
        return RunTimeNames.unmanage(assembly.managedSet(), names);
    }

    /** {@link #unmanage(Collection)} for these names. */
    public CompletionStage<Void> unmanage(String... names) {
        return unmanage(List.of(names));
    }

    /** {@link #unmanage(Collection)} for one name; an overload of its own so that Jetty's {@code unmanage(Object bean)} is not it. */
    public CompletionStage<Void> unmanage(String name) {
        return unmanage(List.of(name));
    }

    /** Every managed name, configured first, then those managed at run time on any instance (as last read); unmodifiable. */
    public Set<String> managedNames() {
        return assembly.managedSet().names();
    }

    /** Reads the store again and serves what another instance stored, now; how many certificates it replaced. */
    public int reload() {
        return assembly.manager().reload();
    }

    /**
     * Configures an {@link AutoTls}. Values set here are the application's defaults: command-line values ({@link
     * #commandLine}), system properties ({@code -Dautotls.*}) and environment variables ({@code AUTOTLS_*}) override
     * them. A later call of a setter replaces an earlier one; {@link #listener} adds. {@link #build()} validates
     * everything at once and may be called again for another instance with the same settings.
     */
    public static final class Builder {
        private final BuilderSettings settings = new BuilderSettings();

        private Builder() {
        }

        /** Any setting by its key, e.g. {@code set(Setting.CA, "letsencrypt-staging")}. */
        public Builder set(Setting setting, String value) {
            settings.set(setting, value);
            return this;
        }

        /** The names to serve; {@code *.example.com} for a wildcard. A name and its wildcard share a certificate. */
        public Builder domains(String... names) {
            return set(Setting.DOMAINS, String.join(",", names));
        }

        /** The contact address given to the CA (expiry notices). */
        public Builder email(String email) {
            return set(Setting.EMAIL, email);
        }

        /** {@code letsencrypt}, {@code letsencrypt-staging}, or an ACME directory URL; a comma list for fallback CAs. */
        public Builder ca(String ca) {
            return set(Setting.CA, ca);
        }

        /** A PEM file of extra roots trusted for the CA's own HTTPS (a private or test CA). */
        public Builder caTrust(Path pemFile) {
            return set(Setting.CA_TRUST, pemFile.toString());
        }

        /** A folder for account, keys and certificates. */
        public Builder storage(Path folder) {
            return set(Setting.STORAGE, folder.toString());
        }

        /** A folder, or a PostgreSQL URL ({@code postgresql://user@host:5432/database}) shared by several instances. */
        public Builder storage(String folderOrUrl) {
            return set(Setting.STORAGE, folderOrUrl);
        }

        /** {@code auto}, {@code http-01}, {@code tls-alpn-01}, {@code dns-persist-01}, {@code acme-dns} or {@code rfc2136}. */
        public Builder challenge(String strategy) {
            return set(Setting.CHALLENGE, strategy);
        }

        /** The HTTPS connector's port; 0 picks a free one. */
        public Builder httpsPort(int port) {
            return set(Setting.HTTPS_PORT, Integer.toString(port));
        }

        /** The HTTP connector's port (http-01 answers, redirects to HTTPS); 0 picks a free one. */
        public Builder httpPort(int port) {
            return set(Setting.HTTP_PORT, Integer.toString(port));
        }

        /** The address both connectors listen on; all addresses when not set. */
        public Builder bind(String address) {
            return set(Setting.BIND, address);
        }

        /** {@code true} once you have read and agree to the CA's terms of service (needed for a new account). */
        public Builder agreeToTermsOfService(boolean agree) {
            return set(Setting.AGREE_TOS, Boolean.toString(agree));
        }

        /** The certificates' key: {@code ec256} (the default), {@code rsa2048} or {@code rsa4096}. */
        public Builder keyType(String type) {
            return set(Setting.KEY_TYPE, type);
        }

        /** External account binding, for CAs that need one (ZeroSSL, Google Trust Services, ...). */
        public Builder externalAccountBinding(String keyId, String hmacKey) {
            set(Setting.EAB_KID, keyId);
            return set(Setting.EAB_HMAC_KEY, hmacKey);
        }

        /**
         * Values given on a command line ({@code autotls.jar serve --domains=...}): unlike {@link #set}, they win over
         * {@code -Dautotls.*} and {@code AUTOTLS_*}, and errors name them as options ({@code --https.port}).
         */
        public Builder commandLine(Map<Setting, String> given) {
            settings.commandLine(given);
            return this;
        }

        /** Ignore {@code -Dautotls.*} and {@code AUTOTLS_*}: only what is set here counts (for tests and tools). */
        public Builder ignoreSystemSettings() {
            settings.ignoreSystemSettings();
            return this;
        }

        /** Keeps state in {@code store} instead of the one {@code autotls.storage} names (AutoTls does not close it). */
        public Builder store(CertificateStore store) {
            settings.store(store);
            return this;
        }

        /** Publishes gauges, counters and an order timer to this Micrometer registry (an optional dependency). */
        public Builder meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
            settings.meterRegistry(registry);
            return this;
        }

        /** Also tells {@code listener} of each order, renewal, failure and swap (see {@link AutoTlsListener}). */
        public Builder listener(AutoTlsListener listener) {
            settings.listener(listener);
            return this;
        }

        /** The clock maintenance decisions are made by (renewal times, back-off); the system's by default. */
        public Builder clock(Clock clock) {
            settings.clock(clock);
            return this;
        }

        /** Where maintenance tasks run, instead of a daemon thread autotls makes at start (tests move a clock with it). */
        public Builder scheduler(Scheduler scheduler) {
            settings.scheduler(scheduler);
            return this;
        }

        /** Validates every name, wildcards included, by dns-01 through {@code publisher} instead of {@code autotls.challenge}. */
        public Builder dnsPublisher(TxtPublisher publisher) {
            settings.dnsPublisher(publisher);
            return this;
        }

        /** Turns on on-demand TLS with {@code permission} as its check, instead of {@code autotls.on-demand.ask}. */
        public Builder onDemand(OnDemandPermission permission) {
            settings.onDemand(permission);
            return this;
        }

        /**
         * Validates the configuration and prepares storage and the CA client. Never contacts the CA; opens the store,
         * and reads it when {@code autotls.domains} is not set (the names managed at run time are then the names to
         * serve): a PostgreSQL store that does not answer then refuses the build, naming the store.
         *
         * @throws ConfigurationException naming the setting, the value and what is allowed
         */
        public AutoTls build() {
            return new AutoTls(settings.assemble());
        }
    }
}
