package dev.autotls.internal.engine;

import dev.autotls.internal.acme.ChallengeStrategy;
import dev.autotls.internal.store.CertificateFiles;
import dev.autotls.internal.store.StoredCertificate;
import dev.autotls.internal.tls.CertificateRegistry;
import dev.autotls.internal.tls.CertifiedKey;
import dev.autotls.internal.tls.KeyType;
import dev.autotls.testing.FakeIssuer;
import dev.autotls.testing.ManualScheduler;
import dev.autotls.testing.MemoryStore;
import dev.autotls.testing.MutableClock;
import dev.autotls.testing.RecordingListener;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.shredzone.acme4j.Login;

/**
 * The renewal engine as production wires it (manager, rotation, failure policy, planner, store
 * sync), over fakes of what crosses a process boundary: an in-memory store and fake issuers.
 * Time is a {@link MutableClock}; jobs run when the test calls {@link #runDue}, on its thread.
 */
final class Engine {
    static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    final MutableClock clock;
    final MemoryStore store;
    /** What handshakes are served from; its cache of decoded certificates may be made smaller ({@link #cacheSize}). */
    CertificateRegistry registry = new CertificateRegistry();
    final ManualScheduler scheduler;
    final RecordingListener events = new RecordingListener();
    final List<FakeIssuer> issuers = new ArrayList<>();
    final List<ManagedCertificate> certificates = new ArrayList<>();
    final CertificateFiles files;
    private Duration fallbackAfter = Duration.ofDays(1);
    private Duration syncInterval = Duration.ofSeconds(10);
    CertificateManager manager;
    /** The configured names (those of {@link #certificate}) and the names managed at run time, in {@link #store}. */
    ManagedSet set;
    CaRotation rotation;
    FakeIssuer local;
    private Predicate<List<String>> issuedLocally;

    Engine() {
        this(new MemoryStore(), new MutableClock(T0));
    }

    /** Another instance of the same site: it shares {@code store} (and the time) with the engine that made it. */
    private Engine(MemoryStore store, MutableClock clock) {
        this.store = store;
        this.clock = clock;
        this.scheduler = new ManualScheduler(clock);
        this.files = new CertificateFiles(store, "ca/fake");
    }

    /** A second instance over this one's store and clock, with its own issuer, registry and scheduler. */
    Engine sibling() {
        return new Engine(store, clock);
    }

    Engine withIssuers(int count) {
        for (int i = 1; i <= count; i++) {
            issuers.add(new FakeIssuer("https://ca" + i + ".test/directory", clock));
        }
        return this;
    }

    /** A local issuer beside the list, for the certificates whose names all end with {@code suffix}. */
    Engine withLocalIssuer(String suffix) {
        return withLocalIssuer(names -> names.stream().allMatch(name -> name.endsWith(suffix)));
    }

    /** A local issuer beside the list, for the certificates {@code issuedLocally} picks (the configuration's rule). */
    Engine withLocalIssuer(Predicate<List<String>> issuedLocally) {
        this.local = new FakeIssuer("local", clock);
        this.issuedLocally = issuedLocally;
        return this;
    }

    /** Keeps at most {@code size} decoded certificates in memory (call before {@link #build}). */
    Engine cacheSize(int size) {
        this.registry = new CertificateRegistry(size);
        return this;
    }

    Engine fallbackAfter(Duration value) {
        this.fallbackAfter = value;
        return this;
    }

    Engine certificate(String... names) {
        certificates.add(new ManagedCertificate(List.of(names), STRATEGY, "validating with a fake (test)"));
        return this;
    }

    /** Builds the engine and starts it, as AutoTls does at start (serve what is stored, schedule the first looks). */
    Engine start() {
        build();
        manager.start(scheduler, Runnable::run);
        return this;
    }

    /** Builds the engine and starts it on the production scheduler and order workers; the caller stops it. */
    Engine startOnThreads(dev.autotls.spi.Scheduler threads, java.util.concurrent.Executor workers) {
        build();
        manager.start(threads, workers);
        return this;
    }

    /** Builds the engine without starting it (a test begins a warm start first, as AutoTls does). */
    Engine build() {
        if (issuers.isEmpty()) {
            withIssuers(1);
        }
        RandomGenerator seeded = new java.util.Random(7); // one seed: every jitter repeats from run to run
        List<CaRotation.Lane> lanes = new ArrayList<>();
        for (int i = 0; i < issuers.size(); i++) {
            lanes.add(new CaRotation.Lane(i + 1, issuers.get(i), CaCircuit.standard(seeded)));
        }
        rotation = local == null ? new CaRotation(lanes, fallbackAfter, clock)
                : new CaRotation(lanes, new CaRotation.Lane(0, local, CaCircuit.standard(seeded)),
                        issuedLocally, fallbackAfter, clock);
        Listeners listeners = new Listeners();
        listeners.add(events);
        manager = new CertificateManager(certificates, rotation, store, files, registry, new RenewalPolicy(seeded),
                new Backoff(Duration.ofSeconds(10), Duration.ofHours(1), seeded), clock, seeded, KeyType.EC256, listeners, syncInterval);
        List<String> configured = certificates.stream().flatMap(c -> c.names.stream()).toList();
        set = new ManagedSet(configured, new dev.autotls.internal.store.ManagedNamesFile(store), files, manager,
                (names, origin) -> new ManagedCertificate(names, origin, STRATEGY, "validating with a fake (test)"), clock,
                certificate -> dev.autotls.internal.ops.StatusView.of(certificate, clock.instant()));
        set.load();
        return this;
    }

    FakeIssuer issuer() {
        return issuers.get(0);
    }

    ManagedCertificate managed(String firstName) {
        return manager.certificates().stream().filter(c -> c.firstName().equals(firstName)).findFirst().orElseThrow();
    }

    int runDue() {
        return scheduler.runDue();
    }

    /** Moves the clock by {@code by} and runs what fell due. */
    int advance(Duration by) {
        clock.advance(by);
        return runDue();
    }

    /** The leaf served for {@code name} now. */
    X509Certificate served(String name) {
        return registry.lookup(name).map(CertifiedKey::leaf).orElseThrow();
    }

    /** Whether what is served for {@code name} came from a fake issuer (not the temporary self-signed one). */
    boolean servesIssued(String name) {
        return registry.lookup(name).map(k -> k.leaf().getIssuerX500Principal().getName().startsWith("CN=https://ca")
                        || k.leaf().getIssuerX500Principal().getName().equals("CN=local"))
                .orElse(false);
    }

    Optional<StoredCertificate> stored(String firstName) throws Exception {
        return files.load(firstName);
    }

    BigInteger servedSerial(String name) {
        return served(name).getSerialNumber();
    }

    /** A strategy the fake issuers never call: the engine only hands it to the issuer. */
    static final ChallengeStrategy STRATEGY = strategy(List.of());

    /** {@link #STRATEGY}, asking the owner for {@code records} (zone-file lines). */
    static ChallengeStrategy strategy(List<String> records) {
        return new ChallengeStrategy() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public List<String> challengeTypes() {
                return List.of("fake-01");
            }

            @Override
            public Suitability suitability(String name) {
                return Suitability.yes();
            }

            @Override
            public List<String> requiredRecords(List<String> names) {
                return records;
            }

            @Override
            public void present(List<PendingChallenge> challenges, Login login) {
            }

            @Override
            public void cleanUp(List<PendingChallenge> challenges) {
            }
        };
    }
}
