package dev.autotls.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.store.CertificateFiles;
import dev.autotls.internal.store.StoredCertificate;
import dev.autotls.internal.tls.CertificateRegistry;
import dev.autotls.internal.tls.CertifiedKey;
import dev.autotls.internal.tls.KeyType;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.Scheduler;
import dev.autotls.testing.Await;
import dev.autotls.testing.ManualScheduler;
import dev.autotls.testing.MemoryStore;
import dev.autotls.testing.MutableClock;
import dev.autotls.testing.TestCertificates;
import java.io.IOException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The store sync over a store that keeps a change feed: a look reads only what changed, the first
 * look and a gap compare every version once, nothing written around a full comparison is lost,
 * and notifications bring looks on the engine's scheduler, bursts folded into one.
 */
class StoreSyncFeedTest {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private final MutableClock clock = new MutableClock(T0);
    private final FeedStore store = new FeedStore(new MemoryStore());
    private final CertificateFiles files = new CertificateFiles(store, "ca/fake");
    private final CertificateRegistry registry = new CertificateRegistry();

    /** Certificates this instance has read the store for (found none): another's write is theirs to adopt. */
    private static List<ManagedCertificate> certificates(int count) {
        List<ManagedCertificate> certificates = neverRead(count);
        certificates.forEach(certificate -> certificate.update(CertificateState::nothingStored));
        return certificates;
    }

    /** Certificates as after a start: nothing read of them yet (a handshake or their first look reads the store). */
    private static List<ManagedCertificate> neverRead(int count) {
        List<ManagedCertificate> certificates = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            certificates.add(new ManagedCertificate(List.of("n" + i + ".test"), Engine.STRATEGY, "a fake (test)"));
        }
        return List.copyOf(certificates);
    }

    @Test
    void theFirstFullComparisonAfterAStartReadsNoCertificateThisInstanceNeverRead() throws Exception {
        List<ManagedCertificate> certificates = neverRead(1_000);
        storeElsewhere("n1.test", 90);
        storeElsewhere("n2.test", 90);
        StoreSync sync = sync(certificates, clock);

        sync.syncOnce();

        assertThat(sync.lastLook().full()).isTrue();
        assertThat(sync.lastLook().certificatesRead()).as("read fresh when needed, not all at once after a start").isZero();
        StoredCertificate later = storeElsewhere("n1.test", 120);
        assertThat(sync.syncOnce()).as("a change after the version seen is read").isEqualTo(1);
        assertThat(served("n1.test")).isEqualTo(later.leaf().getSerialNumber());
    }

    /** The certificates of the last {@link #sync}, whose state says what each serves (memory holds facts, not certificates). */
    private List<ManagedCertificate> synced = List.of();

    private StoreSync sync(List<ManagedCertificate> certificates, Clock on) {
        synced = certificates;
        return new StoreSync(() -> certificates, store, files, registry, on, Duration.ofSeconds(10), certificate -> { });
    }

    /** A certificate as another instance stores it, lasting {@code days} from the test's start. */
    private StoredCertificate storeElsewhere(String name, int days) throws Exception {
        KeyPair keyPair = KeyType.EC256.generate();
        StoredCertificate certificate = new StoredCertificate(List.of(name), keyPair,
                List.of(TestCertificates.selfSigned(List.of(name), keyPair, T0.plus(Duration.ofDays(days)))), clock.instant());
        files.save(certificate);
        return certificate;
    }

    private BigInteger served(String name) {
        return synced.stream().filter(c -> c.firstName().equals(name)).findFirst().map(ManagedCertificate::state)
                .map(CertificateState::current).map(CertificateFacts::serial).orElse(null);
    }

    @Test
    void afterOneFullComparisonALookWithNothingChangedSendsNoKeysAndReadsNothing() throws Exception {
        List<ManagedCertificate> certificates = certificates(1_000);
        storeElsewhere("n1.test", 90);
        StoreSync sync = sync(certificates, clock);

        assertThat(sync.syncOnce()).isEqualTo(1);
        assertThat(sync.lastLook()).isEqualTo(new LookCost(1, true, 1_000, 1, 1));
        int versionCalls = store.versionCalls.get();

        assertThat(sync.syncOnce()).isZero();
        assertThat(sync.lastLook()).as("nothing changed").isEqualTo(new LookCost(2, false, 0, 0, 0));
        assertThat(store.versionCalls.get()).as("no list of keys sent").isEqualTo(versionCalls);
        assertThat(store.loads.get()).as("loads so far: the one certificate, once").isEqualTo(3);
    }

    @Test
    void aChangedCertificateIsFoundThroughTheIndexAndReadAlone() throws Exception {
        List<ManagedCertificate> certificates = certificates(1_000);
        StoreSync sync = sync(certificates, clock);
        sync.syncOnce();
        StoredCertificate stored = storeElsewhere("n500.test", 90);
        int loads = store.loads.get();

        assertThat(sync.syncOnce()).isEqualTo(1);
        assertThat(served("n500.test")).isEqualTo(stored.leaf().getSerialNumber());
        assertThat(sync.lastLook()).as("three keys changed; one certificate read")
                .isEqualTo(new LookCost(2, false, 1, 3, 1));
        assertThat(store.loads.get() - loads).as("its three keys, nothing else").isEqualTo(3);
    }

    @Test
    void aFeedThatNamesTheSameKeysAgainReadsEachCertificateOnce() throws Exception {
        List<ManagedCertificate> certificates = new ArrayList<>(certificates(10));
        certificates.add(new ManagedCertificate(List.of("unread.test"), Engine.STRATEGY, "a fake (test)")); // as after a start
        StoreSync sync = sync(List.copyOf(certificates), clock);
        sync.syncOnce();
        store.heldBackFrom = store.position(); // a long transaction elsewhere: every look names all changed since
        StoredCertificate first = storeElsewhere("n3.test", 90);
        storeElsewhere("unread.test", 90);
        assertThat(sync.syncOnce()).isEqualTo(1);
        assertThat(served("n3.test")).isEqualTo(first.leaf().getSerialNumber());
        assertThat(served("unread.test")).as("never read: its version only recorded").isNull();
        int loads = store.loads.get();

        assertThat(sync.syncOnce()).as("the same keys again, nothing new").isZero();
        assertThat(sync.lastLook()).as("one version query for the two certificates' keys; nothing read")
                .isEqualTo(new LookCost(3, false, 2, 6, 0));
        assertThat(store.loads.get()).isEqualTo(loads);

        StoredCertificate second = storeElsewhere("n3.test", 120);
        assertThat(sync.syncOnce()).as("a new version is read").isEqualTo(1);
        assertThat(sync.lastLook().certificatesRead()).isEqualTo(1);
        assertThat(served("n3.test")).isEqualTo(second.leaf().getSerialNumber());
    }

    @Test
    void aGapFallsBackToOneFullComparisonAndThenTheFeedGoesOn() throws Exception {
        List<ManagedCertificate> certificates = certificates(10);
        StoreSync sync = sync(certificates, clock);
        sync.syncOnce();
        StoredCertificate stored = storeElsewhere("n3.test", 90);
        store.trim();

        assertThat(sync.syncOnce()).isEqualTo(1);
        assertThat(sync.lastLook().full()).isTrue();
        assertThat(served("n3.test")).isEqualTo(stored.leaf().getSerialNumber());
        assertThat(sync.syncOnce()).isZero();
        assertThat(sync.lastLook()).isEqualTo(new LookCost(3, false, 0, 0, 0));
    }

    @Test
    void aWriteDuringTheFullComparisonIsInTheFeedAfterIt() throws Exception {
        List<ManagedCertificate> certificates = certificates(10);
        StoreSync sync = sync(certificates, clock);
        AtomicReference<StoredCertificate> written = new AtomicReference<>();
        store.afterVersions = () -> written.set(storeElsewhere("n7.test", 90)); // right after the versions were read

        sync.syncOnce();
        assertThat(served("n7.test")).as("not in the versions read").isNull();
        store.afterVersions = null;
        assertThat(sync.syncOnce()).isEqualTo(1);
        assertThat(served("n7.test")).isEqualTo(written.get().leaf().getSerialNumber());
    }

    @Test
    void aReadThatFailedIsTriedAgainAtTheNextLookWithoutANewChange() throws Exception {
        List<ManagedCertificate> certificates = certificates(5);
        StoreSync sync = sync(certificates, clock);
        sync.syncOnce();
        StoredCertificate stored = storeElsewhere("n2.test", 90);
        store.memory.failLoads("ca/fake/certificates/n2.test/privkey.pem", 1);

        assertThat(sync.syncOnce()).isZero();
        assertThat(sync.syncOnce()).isEqualTo(1);
        assertThat(served("n2.test")).isEqualTo(stored.leaf().getSerialNumber());
    }

    @Test
    void theFollowedSetIsReadWhenItsKeyChangedAndAgainAfterAFailedRead() throws Exception {
        StoreSync sync = sync(certificates(3), clock);
        AtomicInteger reads = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger(1);
        sync.follow(new StoreSync.FollowedSet() {
            @Override
            public String versionKey() {
                return "managed/names.json";
            }

            @Override
            public void changed() throws IOException {
                reads.incrementAndGet();
                if (failures.getAndDecrement() > 0) {
                    throw new IOException("the test's store failed");
                }
            }

            @Override
            public void tidy() {
            }
        });
        sync.syncOnce();
        assertThat(reads.get()).as("nothing stored under its key yet").isZero();
        store.save("managed/names.json", new byte[] {1}, CertificateStore.Sensitivity.PUBLIC);
        sync.syncOnce();
        assertThat(reads.get()).as("its key changed: read, and failed").isEqualTo(1);
        sync.syncOnce();
        assertThat(reads.get()).as("read again").isEqualTo(2);
        sync.syncOnce();
        assertThat(reads.get()).as("nothing new").isEqualTo(2);
    }

    @Test
    void onceAnHourEveryVersionIsComparedWhichFindsAWriteThatKeptNoFeed() throws Exception {
        List<ManagedCertificate> certificates = certificates(5);
        StoreSync sync = sync(certificates, clock);
        sync.syncOnce();
        store.quiet = true; // a writer that keeps no feed: an older release on a shared folder, a file copied in
        StoredCertificate stored = storeElsewhere("n4.test", 90);
        store.quiet = false;
        assertThat(sync.syncOnce()).isZero();
        clock.advance(ChangeFeedReader.FULL_EVERY);
        assertThat(sync.syncOnce()).isEqualTo(1);
        assertThat(sync.lastLook().full()).isTrue();
        assertThat(served("n4.test")).isEqualTo(stored.leaf().getSerialNumber());
    }

    @Test
    void aFeedThatCannotBeReadWhileTheVersionsCanIsReplacedByFullComparisonsAndSaidOnce() throws Exception {
        List<ManagedCertificate> certificates = certificates(5);
        StoreSync sync = sync(certificates, clock);
        sync.syncOnce();
        store.failChanges = true; // a role that may read the items but not the feed
        StoredCertificate stored = storeElsewhere("n1.test", 90);
        String log = dev.autotls.testing.StandardError.during(() -> {
            assertThat(sync.syncOnce()).isEqualTo(1);
            assertThat(sync.lastLook().full()).isTrue();
            sync.syncOnce();
            assertThat(sync.lastLook().full()).isTrue();
        });
        assertThat(served("n1.test")).isEqualTo(stored.leaf().getSerialNumber());
        assertThat(log.split("change feed of the store", -1)).as("said once:\n" + log).hasSize(2);

        store.failChanges = false;
        store.memory.down(true); // unreachable: no sentence about the feed, the store says it is down itself
        String down = dev.autotls.testing.StandardError.during(() -> assertThat(sync.syncOnce()).isZero());
        store.memory.down(false);
        assertThat(down).doesNotContain("change feed");
    }

    @Test
    void aStoreWithoutAFeedIsComparedInFullAtEveryLookAsBefore() throws Exception {
        MemoryStore plain = new MemoryStore();
        StoreSync sync = new StoreSync(() -> certificates(4), plain, new CertificateFiles(plain, "ca/fake"), registry, clock,
                Duration.ofSeconds(10), certificate -> { });
        sync.syncOnce();
        sync.syncOnce();
        assertThat(sync.lastLook()).isEqualTo(new LookCost(2, true, 4, 0, 0));
    }

    @Test
    void aBurstOfNotificationsBringsOneLookOnTheEnginesScheduler() {
        ManualScheduler scheduler = new ManualScheduler(clock);
        StoreSync sync = sync(certificates(3), clock);
        sync.start(scheduler);
        assertThat(store.listener.get()).as("asked for notifications").isNotNull();
        for (int i = 0; i < 5; i++) {
            store.listener.get().run();
        }
        assertThat(sync.lastLook().number()).as("no look on the notifying thread").isZero();
        assertThat(scheduler.runDue()).as("one look for the burst").isEqualTo(1);
        assertThat(sync.lastLook().number()).isEqualTo(1);
        sync.stop();
        assertThat(store.listenerClosed.get()).isTrue();
        store.listener.get().run();
        assertThat(scheduler.runDue()).as("stopped: no look").isZero();
    }

    @Test
    void aNotificationDuringARunningLookBringsExactlyOneMore() throws Exception {
        Scheduler scheduler = SystemScheduler.start(Clock.systemUTC());
        try {
            StoreSync sync = sync(certificates(3), Clock.systemUTC());
            sync.start(scheduler);
            CountDownLatch inLook = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            store.duringChanges = () -> {
                inLook.countDown();
                release.await(30, TimeUnit.SECONDS);
            };
            Thread notifier = new Thread(() -> store.listener.get().run(), "store-listening-thread");
            notifier.start();
            notifier.join();
            assertThat(inLook.await(30, TimeUnit.SECONDS)).as("the first look started").isTrue();
            store.duringChanges = null;
            for (int i = 0; i < 3; i++) {
                store.listener.get().run(); // while the first look runs
            }
            release.countDown();
            Await.until("the second look", Duration.ofSeconds(30), () -> sync.lastLook().number() == 2);
            CountDownLatch marker = new CountDownLatch(1);
            scheduler.schedule(marker::countDown, Instant.now()); // after anything scheduled before it
            assertThat(marker.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(sync.lastLook().number()).as("exactly one more").isEqualTo(2);
            assertThat(store.lookThreads).as("looks ran on the engine's scheduler").containsOnly("autotls-maintenance");
            sync.stop();
        } finally {
            scheduler.close();
        }
    }
}
