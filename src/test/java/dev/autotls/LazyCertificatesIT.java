package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.internal.Assembly;
import dev.autotls.internal.store.LeaseTimes;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.internal.store.StoredCertificate;
import dev.autotls.internal.store.postgres.PostgresLocation;
import dev.autotls.internal.store.postgres.PostgresStores;
import dev.autotls.internal.tls.CertificateRegistry;
import dev.autotls.spi.CertificateStore;
import dev.autotls.testing.Await;
import dev.autotls.testing.ForwardingStore;
import dev.autotls.testing.ManualScheduler;
import dev.autotls.testing.MutableClock;
import dev.autotls.testing.SharedPostgres;
import dev.autotls.testing.Site;
import dev.autotls.testing.StoredSite;
import dev.autotls.testing.TlsClient;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 25 (a): a cache of decoded certificates smaller than the site, over the real PostgreSQL store.
 * Sixty names with stored certificates and room for twenty: real TLS handshakes with SNI for every name
 * succeed, each certificate is read from the store at most once per eviction (reads counted by a
 * wrapper around the store in this process, evictions by the cache's listener), and a handshake whose
 * read is held by a table lock fails within its wait instead of hanging; once the lock is gone the read
 * it started serves the next handshake.
 */
class LazyCertificatesIT {
    @RegisterExtension
    static final SharedPostgres POSTGRES = new SharedPostgres();

    private static final String CA = "https://127.0.0.1:1/dir"; // never asked: everything is stored
    private static final int NAMES = 60;
    private static final int CACHE = 20;

    @Test
    void aCacheSmallerThanTheSiteServesEveryNameReadingEachOncePerEvictionAndAHeldReadFailsItsHandshake() throws Exception {
        CountingStore store = new CountingStore(PostgresStores.open(PostgresLocation.parse(POSTGRES.postgres().url(), null), null, null,
                true, LeaseTimes.STANDARD));
        try {
            String caFolder = StorageKeys.caFolder(URI.create(CA));
            Map<String, BigInteger> stored = new LinkedHashMap<>();
            for (int i = 0; i < NAMES; i++) {
                String name = "n" + i + ".lazy.test";
                StoredCertificate certificate = StoredSite.certificate(store, caFolder, List.of(name), Clock.systemUTC());
                stored.put(name, certificate.leaf().getSerialNumber());
            }
            store.reads.clear();

            ManualScheduler idle = new ManualScheduler(MutableClock.startingNow()); // no maintenance: every read is a handshake's
            try (Site site = Site.start(AutoTls.builder().ignoreSystemSettings().agreeToTermsOfService(true)
                    .domains(stored.keySet().toArray(String[]::new)).ca(CA).storage(POSTGRES.postgres().url()).store(store).challenge("http-01").httpPort(0)
                    .httpsPort(0).scheduler(idle).set(Setting.CACHE_CERTIFICATES, Integer.toString(CACHE)))) {
                CertificateRegistry registry = site.autoTls.getBean(Assembly.class).registry();
                Map<String, AtomicInteger> evicted = new ConcurrentHashMap<>();
                registry.evictions(name -> evicted.computeIfAbsent(name, key -> new AtomicInteger()).incrementAndGet());
                TlsClient client = TlsClient.inspecting();

                List<String> names = new ArrayList<>(stored.keySet());
                Random order = new Random(25);
                for (int round = 0; round < 3; round++) {
                    Collections.shuffle(names, order);
                    for (String name : names) {
                        assertThat(client.leaf(site.httpsPort(), name).getSerialNumber()).as("served for %s", name)
                                .isEqualTo(stored.get(name));
                    }
                }
                registry.tidyCache();

                assertThat(registry.cacheStats().size()).isLessThanOrEqualTo(CACHE);
                assertThat(registry.cacheStats().evictions()).as("sixty certificates through a cache of twenty").isPositive();
                for (String name : stored.keySet()) {
                    int evictions = evicted.getOrDefault(name, new AtomicInteger()).get();
                    assertThat(store.readsOf(name)).as("reads of %s, evicted %d times", name, evictions)
                            .isBetween(1, evictions + 1);
                }

                String cold = stored.keySet().stream().filter(name -> registry.inMemory(name).isEmpty()).findFirst()
                        .orElseThrow();
                int readsBefore = store.readsOf(cold);
                long heldMillis;
                try (Connection holder = POSTGRES.postgres().connect()) {
                    holder.setAutoCommit(false);
                    try (Statement lock = holder.createStatement()) {
                        lock.execute("LOCK TABLE autotls_items IN ACCESS EXCLUSIVE MODE");
                    }
                    long begun = System.nanoTime();
                    assertThatThrownBy(() -> client.leaf(site.httpsPort(), cold)).as("its read is held: an alert")
                            .isInstanceOf(SSLException.class);
                    Duration took = Duration.ofNanos(System.nanoTime() - begun);
                    heldMillis = took.toMillis();
                    // the handshake waits LOAD_WAIT (250 ms) for the held read, then fails: a connection's setup on top
                    // of it, never the store's statement timeout (15 s) the held read itself waits for
                    assertThat(took).as("failed after its wait, within about 1.5 s of starting")
                            .isGreaterThanOrEqualTo(CertificateRegistry.LOAD_WAIT)
                            .isLessThan(CertificateRegistry.LOAD_WAIT.plusMillis(1_250));
                    assertThat(registry.cacheStats().timeouts()).isEqualTo(1);
                    holder.rollback(); // the lock goes: the held read completes
                }
                Await.until("a handshake for " + cold + " to be served once the lock is gone", Duration.ofSeconds(30), () -> {
                    try {
                        return client.leaf(site.httpsPort(), cold).getSerialNumber().equals(stored.get(cold));
                    } catch (Exception stillFailing) {
                        return false;
                    }
                });
                assertThat(store.readsOf(cold) - readsBefore).as("the held read served the next handshake: no second read")
                        .isEqualTo(1);
                System.out.printf("lazy certificates: %d names, cache %d, %d handshakes: %d reads, %s; the held handshake "
                        + "failed after %d ms%n", NAMES, CACHE, 3 * NAMES + 1, stored.keySet().stream().mapToInt(store::readsOf)
                        .sum(), registry.cacheStats(), heldMillis);
            }
        } finally {
            store.close();
        }
    }

    /** The real store, counting the reads of each certificate (its key, chain and metadata, read together). */
    private static final class CountingStore extends ForwardingStore {
        private final CertificateStore store;
        /** Per certificate folder name: how many reads included its private key. */
        final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();

        CountingStore(CertificateStore store) {
            this.store = store;
        }

        int readsOf(String firstName) {
            AtomicInteger count = reads.get(StorageKeys.certificateName(firstName));
            return count == null ? 0 : count.get();
        }

        private void count(Collection<String> keys) {
            for (String key : keys) {
                if (key.endsWith("/" + StorageKeys.PRIVATE_KEY)) {
                    String folder = key.substring(0, key.length() - StorageKeys.PRIVATE_KEY.length() - 1);
                    reads.computeIfAbsent(folder.substring(folder.lastIndexOf('/') + 1), name -> new AtomicInteger())
                            .incrementAndGet();
                }
            }
        }

        @Override
        public Optional<byte[]> load(String key) throws IOException {
            count(List.of(key));
            return store.load(key);
        }

        @Override
        public Map<String, byte[]> loadAll(Collection<String> keys) throws IOException {
            count(keys);
            return store.loadAll(keys);
        }

        @Override
        protected CertificateStore delegate() {
            return store;
        }
    }
}
