package dev.autotls.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.Await;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The registry's cache of managed certificates over a fake source: a miss loads once for every caller,
 * a caller waits only as long as it is given, evicted and replaced entries are loaded again or stay
 * resolvable by alias, and the index never lets a wildcard answer for an exact name still loading.
 */
class CertificateCacheTest {
    private final Clock clock = Clock.systemUTC();
    /** Loads run here, on real threads, as the registry's own loaders do. */
    private final ExecutorService loaders = Executors.newFixedThreadPool(4);
    private final FakeSource source = new FakeSource();

    /** Hands out a new temporary entry per load, counting loads per first name; a latch can hold them. */
    private final class FakeSource implements CertificateSource {
        final Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
        final List<String> names = new CopyOnWriteArrayList<>();
        volatile CountDownLatch hold = new CountDownLatch(0);
        volatile IOException failure;

        @Override
        public CertifiedKey load(String firstName) throws Exception {
            loads.computeIfAbsent(firstName, name -> new AtomicInteger()).incrementAndGet();
            hold.await();
            if (failure != null) {
                throw failure;
            }
            List<String> certificateNames = firstName.startsWith("*.") ? List.of(firstName)
                    : names.contains("*." + firstName) ? List.of(firstName, "*." + firstName) : List.of(firstName);
            return SelfSignedCertificates.create(certificateNames, clock);
        }

        int loadsOf(String firstName) {
            AtomicInteger count = loads.get(firstName);
            return count == null ? 0 : count.get();
        }
    }

    /** A registry of {@code size} whose cache tidies up on the calling thread, so evictions happen when asked. */
    private CertificateRegistry registry(int size) {
        CertificateRegistry registry = new CertificateRegistry(size, loaders, Runnable::run);
        registry.loadFrom(source);
        return registry;
    }

    @AfterEach
    void stop() {
        source.hold.countDown();
        loaders.shutdownNow();
    }

    @Test
    void concurrentMissesForOneCertificateShareOneLoad() throws Exception {
        CertificateRegistry registry = registry(10);
        registry.manage("a.test", List.of("a.test"));
        source.hold = new CountDownLatch(1);
        ExecutorService handshakes = Executors.newFixedThreadPool(8);
        try {
            List<Future<CertifiedKey>> waiting = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                waiting.add(handshakes.submit(() -> registry.lookup("a.test", Duration.ofSeconds(30)).orElse(null)));
            }
            assertThat(registry.find("a.test")).as("not in memory while its load is held").isNull();
            source.hold.countDown();
            List<CertifiedKey> got = new ArrayList<>();
            for (Future<CertifiedKey> one : waiting) {
                got.add(one.get(30, TimeUnit.SECONDS));
            }
            assertThat(got).doesNotContainNull().allSatisfy(entry -> assertThat(entry).isSameAs(got.get(0)));
        } finally {
            handshakes.shutdownNow();
        }
        assertThat(source.loadsOf("a.test")).as("one load for eight callers").isEqualTo(1);
        assertThat(registry.find("a.test")).as("in memory from then on").isNotNull();
        assertThat(registry.cacheStats().size()).isEqualTo(1);
    }

    @Test
    void aCallerWaitsOnlyAsLongAsGivenAndTheLoadStillFillsTheCache() throws Exception {
        CertificateRegistry registry = registry(10);
        registry.manage("slow.test", List.of("slow.test"));
        source.hold = new CountDownLatch(1);

        assertThat(registry.awaitLoad("slow.test", TimeUnit.MILLISECONDS.toNanos(50))).as("gave up waiting").isNull();
        assertThat(registry.cacheStats().timeouts()).isEqualTo(1);
        source.hold.countDown();

        CertifiedKey loaded = registry.awaitLoad("slow.test", TimeUnit.SECONDS.toNanos(30));
        assertThat(loaded).isNotNull();
        assertThat(registry.find("slow.test")).isSameAs(loaded);
        assertThat(source.loadsOf("slow.test")).as("the late load served the next caller: no second read").isEqualTo(1);
    }

    @Test
    void aFailedLoadIsNotKeptAndTheNextMissReadsAgain() {
        CertificateRegistry registry = registry(10);
        registry.manage("down.test", List.of("down.test"));
        source.failure = new IOException("the store is down");

        assertThat(registry.lookup("down.test")).isEmpty();
        int failedReads = source.loadsOf("down.test");
        source.failure = null;

        assertThat(registry.lookup("down.test")).as("the miss right after reads again").isPresent();
        assertThat(source.loadsOf("down.test")).isEqualTo(failedReads + 1);
        // the cache counts a failed load as it completes, a moment after its callers hear of it
        Await.until("the failed load to be counted", Duration.ofSeconds(30), () -> registry.cacheStats().failures() >= 1);
    }

    @Test
    void anEvictedCertificateIsReadAgainOnItsNextMissAndItsAliasResolvesMeanwhile() {
        CertificateRegistry registry = registry(2);
        List<String> evicted = new CopyOnWriteArrayList<>();
        registry.evictions(evicted::add);
        List<CertifiedKey> first = new ArrayList<>();
        for (String name : List.of("one.test", "two.test", "three.test")) {
            registry.manage(name, List.of(name));
            first.add(registry.lookup(name).orElseThrow());
        }
        registry.tidyCache();

        assertThat(evicted).as("three certificates in a cache of two").hasSize(1);
        assertThat(registry.cacheStats().evictions()).isEqualTo(1);
        assertThat(registry.cacheStats().size()).isEqualTo(2);
        String gone = evicted.get(0);
        CertifiedKey goneEntry = first.stream().filter(entry -> entry.names().get(0).equals(gone)).findFirst().orElseThrow();
        assertThat(registry.find(gone)).as("no longer in memory").isNull();
        assertThat(registry.toLoad(gone)).isEqualTo(gone);
        assertThat(registry.byAlias(goneEntry.alias())).as("a handshake that chose it still completes").isSameAs(goneEntry);

        CertifiedKey again = registry.lookup(gone).orElseThrow();
        assertThat(again).isNotSameAs(goneEntry);
        assertThat(source.loadsOf(gone)).as("read once per eviction").isEqualTo(2);
    }

    @Test
    void aReplacedEntryResolvesByAliasAndALoadInFlightNeverUndoesTheReplacement() throws Exception {
        CertificateRegistry registry = registry(10);
        registry.manage("r.test", List.of("r.test"));
        CertifiedKey loaded = registry.lookup("r.test").orElseThrow();
        CertifiedKey renewed = SelfSignedCertificates.create(List.of("r.test"), clock);

        registry.serve("r.test", renewed);
        assertThat(registry.find("r.test")).isSameAs(renewed);
        assertThat(registry.byAlias(loaded.alias())).as("replaced, still resolvable").isSameAs(loaded);

        registry.forget("r.test");
        source.hold = new CountDownLatch(1);
        CompletableFuture<CertifiedKey> inFlight = CompletableFuture.supplyAsync(() -> registry.awaitLoad("r.test",
                TimeUnit.SECONDS.toNanos(30)));
        Await.until("the second read to begin", Duration.ofSeconds(30), () -> source.loadsOf("r.test") == 2);
        CertifiedKey newest = SelfSignedCertificates.create(List.of("r.test"), clock);
        registry.serve("r.test", newest); // a certificate obtained while the store was being read
        source.hold.countDown();
        CertifiedKey late = inFlight.get(30, TimeUnit.SECONDS);

        assertThat(registry.find("r.test")).as("the late read does not replace the newer entry").isSameAs(newest);
        assertThat(registry.byAlias(late.alias())).as("the handshake that waited for it completes").isSameAs(late);
    }

    @Test
    void anExactNameWaitingForItsLoadIsNeverAnsweredByItsWildcard() {
        CertificateRegistry registry = registry(10);
        registry.manage("*.w.test", List.of("*.w.test"));
        registry.manage("www.w.test", List.of("www.w.test"));
        CertifiedKey wildcard = registry.lookup("mail.w.test").orElseThrow();

        assertThat(registry.find("www.w.test")).as("its own certificate is not in memory yet").isNull();
        assertThat(registry.toLoad("www.w.test")).isEqualTo("www.w.test");
        assertThat(registry.lookup("www.w.test").orElseThrow()).isNotSameAs(wildcard);
        assertThat(registry.find("other.w.test")).isSameAs(wildcard);
        assertThat(registry.toLoad("unmanaged.test")).isNull();
    }

    @Test
    void aRefreshReplacesOnlyWhatMemoryHolds() {
        CertificateRegistry registry = registry(10);
        registry.manage("cold.test", List.of("cold.test"));
        registry.manage("hot.test", List.of("hot.test"));
        CertifiedKey hot = registry.lookup("hot.test").orElseThrow();

        assertThat(registry.refresh("cold.test", SelfSignedCertificates.create(List.of("cold.test"), clock))).isFalse();
        assertThat(registry.inMemory("cold.test")).as("nothing decoded into memory for a name nobody asked for").isEmpty();
        CertifiedKey newer = SelfSignedCertificates.create(List.of("hot.test"), clock);
        assertThat(registry.refresh("hot.test", newer)).isTrue();
        assertThat(registry.find("hot.test")).isSameAs(newer);
        assertThat(registry.byAlias(hot.alias())).isSameAs(hot);
    }

    @Test
    void withdrawnNamesAreNoLongerLoadedAndTheFallbackMovesOn() {
        CertificateRegistry registry = registry(10);
        registry.manage("first.test", List.of("first.test"));
        registry.manage("second.test", List.of("second.test"));
        CertifiedKey first = registry.lookup("first.test").orElseThrow();
        CertifiedKey second = registry.lookup("second.test").orElseThrow();
        assertThat(registry.fallback()).as("the first one loaded").containsSame(first);

        registry.withdraw(List.of("first.test"));

        assertThat(registry.lookup("first.test")).isEmpty();
        assertThat(registry.toLoad("first.test")).isNull();
        assertThat(registry.fallback()).containsSame(second);
        assertThat(registry.byAlias(first.alias())).as("withdrawn, still resolvable for a while").isSameAs(first);
    }
}
