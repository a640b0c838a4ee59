package dev.autotls.internal.tls;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The certificates of managed names, held in memory only while handshakes use them: a compact
 * index from each managed name (or {@code *.wildcard}) to its certificate's first name, and a
 * bounded cache of decoded entries by first name, filled from a {@link CertificateSource} on a
 * miss. The index holds strings only (those of the managed set itself), so its size grows with
 * the names managed while the decoded entries stay within the cache's bound.
 *
 * <p>A miss starts one load per certificate, however many handshakes ask meanwhile (Caffeine's
 * asynchronous loading); loads run on a few threads of their own with a bounded queue, so a slow
 * store holds those threads and never a handshake's for longer than its caller waits. A load that
 * finishes after its caller gave up still fills the cache for the next handshake. A failed load is
 * not kept: the next miss asks again.
 *
 * <p>An entry that leaves the cache stays resolvable by its alias, because JSSE asks for a chosen
 * alias's key and chain a moment after choosing it: one replaced or removed through this class for
 * {@link CertificateRegistry#RETIRED_GRACE} (by the registry's retired entries), one evicted for
 * its size for {@link #EVICTED_GRACE}, which is shorter so that a cache churning through many names
 * keeps little beside its bound.
 */
final class LoadedCertificates {
    /** How long an evicted entry still answers for its alias: JSSE resolves an alias right after choosing it. */
    static final Duration EVICTED_GRACE = Duration.ofSeconds(10);
    /** Loads waiting for a thread at most; beyond it a miss fails at once instead of queueing behind a slow store. */
    static final int QUEUED_LOADS = 1_000;
    /** Threads that read the store at once: a few, so a slow store never takes every connection of its pool. */
    static final int LOADERS = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
    private static final Duration IDLE_LOADER = Duration.ofSeconds(30);

    /** Each managed name (normalized) to its certificate's first name. */
    private final Map<String, String> certificateOf = new ConcurrentHashMap<>();
    private final AsyncLoadingCache<String, CertifiedKey> cache;
    private final Cache<String, CertifiedKey> evicted;
    private final Executor loads;
    /** Told of each entry that replaces or fills a certificate's place (true when replacing); see {@link #put}. */
    private final Installed installed;
    /** Told of each entry replaced or removed here, after it is no longer found by name. */
    private final Consumer<CertifiedKey> retired;
    private volatile CertificateSource source;
    private volatile Consumer<String> evictions = firstName -> {
    };
    private final LongAdder hits = new LongAdder();
    private final LongAdder timeouts = new LongAdder();

    /** What the registry keeps beside the cache for an entry that enters it (the fallback, the address certificates). */
    @FunctionalInterface
    interface Installed {
        /**
         * @param entry     the entry that now serves its certificate's names
         * @param replacing true when it replaces what was served (a new certificate); false when it was loaded, which
         *                  fills only places that are empty, so a load that finished late never undoes a replacement
         */
        void accept(CertifiedKey entry, boolean replacing);
    }

    /** @param size at most this many decoded entries at once */
    LoadedCertificates(int size, Installed installed, Consumer<CertifiedKey> retired) {
        this(size, installed, retired, loaderThreads(), ForkJoinPool.commonPool());
    }

    /** @param loads where loads run; {@code maintenance} where the cache tidies up (tests pass a direct executor to both) */
    LoadedCertificates(int size, Installed installed, Consumer<CertifiedKey> retired, Executor loads, Executor maintenance) {
        if (size < 1) {
            throw new IllegalArgumentException("the certificate cache needs room for at least one entry, not " + size);
        }
        this.installed = installed;
        this.retired = retired;
        this.loads = loads;
        // bounded too: a burst of evictions (a scan of many names) must not hold every evicted key for the grace
        this.evicted = Caffeine.newBuilder().maximumSize(size).expireAfterWrite(EVICTED_GRACE).executor(maintenance).build();
        this.cache = Caffeine.newBuilder()
                .maximumSize(size)
                .executor(maintenance)
                .recordStats()
                .<String, CertifiedKey>evictionListener((firstName, entry, cause) -> {
                    if (entry != null && cause.wasEvicted()) {
                        evicted.put(entry.alias(), entry); // during the eviction: its alias resolves at every instant
                        evictions.accept(firstName);
                    }
                })
                .buildAsync((firstName, ignored) -> startLoad(firstName));
    }

    /** A few daemon threads made as loads arrive, ending after a while without work; a bounded queue. */
    private static Executor loaderThreads() {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(LOADERS, LOADERS, IDLE_LOADER.toMillis(), TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(QUEUED_LOADS), runnable -> {
                    Thread thread = new Thread(runnable, "autotls-load-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    void loadFrom(CertificateSource from) {
        this.source = from;
    }

    /** Tells {@code listener} the first name of each certificate evicted for the cache's size (tests, diagnostics). */
    void evictions(Consumer<String> listener) {
        this.evictions = listener;
    }

    /** {@code names} (normalized) are served from the certificate whose first name is {@code firstName} from now on. */
    void manage(String firstName, Collection<String> names) {
        for (String name : names) {
            certificateOf.put(name, firstName);
        }
    }

    /**
     * {@code names} (normalized) are no longer served from here; the first names of the certificates
     * whose first name was among them, whose entries are then dropped from memory (a certificate is
     * withdrawn with all its names; one that loses some others keeps serving the rest).
     */
    Set<String> unmanage(Collection<String> names) {
        Set<String> withdrawn = new HashSet<>();
        for (String name : names) {
            String firstName = certificateOf.remove(name);
            if (name.equals(firstName)) {
                withdrawn.add(firstName);
            }
        }
        for (String firstName : withdrawn) {
            retireWhenDone(cache.asMap().remove(firstName), null);
        }
        return withdrawn;
    }

    /** The first name of the certificate serving {@code name} (normalized), or null when no managed certificate does. */
    String certificateOf(String name) {
        return certificateOf.get(name);
    }

    /** Whether any managed certificate is served from here. */
    boolean manages() {
        return !certificateOf.isEmpty();
    }

    /** The entry memory holds for the certificate {@code firstName}, or null (none, or its load has not finished). */
    CertifiedKey cached(String firstName) {
        CertifiedKey entry = ready(cache.asMap().get(firstName));
        if (entry != null) {
            hits.increment();
        }
        return entry;
    }

    /**
     * The load of the certificate {@code firstName}: the one in flight if there is one, one started
     * now otherwise, or the entry memory holds; failed when the load failed or could not start.
     */
    CompletableFuture<CertifiedKey> load(String firstName) {
        try {
            CompletableFuture<CertifiedKey> loading = cache.get(firstName);
            if (loading.isCompletedExceptionally()) {
                // a load that failed a moment ago, which the cache drops as it completes: this miss reads again
                cache.asMap().remove(firstName, loading);
                loading = cache.get(firstName);
            }
            return loading;
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Counts a handshake that gave up waiting for a load. */
    void timedOut() {
        timeouts.increment();
    }

    private CompletableFuture<CertifiedKey> startLoad(String firstName) {
        CertificateSource from = source;
        if (from == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("nothing to load " + firstName + " from"));
        }
        try {
            return CompletableFuture.supplyAsync(() -> {
                CertifiedKey entry;
                try {
                    entry = from.load(firstName);
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
                installed.accept(entry, false); // before the future completes: the fallback is set before a handshake sees it
                return entry;
            }, loads);
        } catch (RejectedExecutionException full) {
            return CompletableFuture.failedFuture(new IOException(QUEUED_LOADS + " loads of certificates wait already; "
                    + firstName + " is not loaded now", full));
        }
    }

    /**
     * Makes {@code entry} the one served for the certificate {@code firstName} at once (a new certificate,
     * or one only memory holds), replacing what memory held or was loading for it.
     */
    void put(String firstName, CertifiedKey entry) {
        installed.accept(entry, true);
        retireWhenDone(cache.asMap().put(firstName, CompletableFuture.completedFuture(entry)), entry);
    }

    /**
     * Replaces the entry of the certificate {@code firstName} with {@code entry} if memory holds one (or a load of
     * one); otherwise leaves memory as it is: the next miss reads what is current. Whether it replaced one.
     */
    boolean replaceIfPresent(String firstName, CertifiedKey entry) {
        installed.accept(entry, true); // the fallback and address certificates follow even when the cache dropped theirs
        List<CompletableFuture<CertifiedKey>> replaced = new ArrayList<>(1);
        cache.asMap().computeIfPresent(firstName, (name, previous) -> {
            replaced.add(previous);
            return CompletableFuture.completedFuture(entry);
        });
        replaced.forEach(previous -> retireWhenDone(previous, entry));
        return !replaced.isEmpty();
    }

    /** Drops the entry of the certificate {@code firstName} from memory; the next miss loads it again. */
    void invalidate(String firstName) {
        retireWhenDone(cache.asMap().remove(firstName), null);
    }

    /** An entry replaced or removed: retired once known (a load in flight finishes first), unless it is {@code keep}. */
    private void retireWhenDone(CompletableFuture<CertifiedKey> previous, CertifiedKey keep) {
        if (previous != null) {
            previous.thenAccept(entry -> {
                if (entry != keep) {
                    retired.accept(entry);
                }
            });
        }
    }

    /** The entry with {@code alias} if it is in the cache or was evicted within {@link #EVICTED_GRACE}; else null. */
    CertifiedKey byAlias(String alias) {
        String firstName = CertifiedKey.firstNameOf(alias);
        if (firstName != null) {
            CertifiedKey entry = ready(cache.asMap().get(firstName));
            if (entry != null && entry.alias().equals(alias)) {
                return entry;
            }
        }
        return evicted.getIfPresent(alias);
    }

    /** Whether the cache holds {@code entry} as its certificate's entry now. */
    boolean holds(CertifiedKey entry) {
        return ready(cache.asMap().get(entry.names().get(0))) == entry;
    }

    /** The entries in memory now (diagnostics). */
    List<CertifiedKey> inMemory() {
        List<CertifiedKey> entries = new ArrayList<>();
        for (CompletableFuture<CertifiedKey> future : cache.asMap().values()) {
            CertifiedKey entry = ready(future);
            if (entry != null) {
                entries.add(entry);
            }
        }
        return entries;
    }

    /** What the cache counted so far. */
    CertificateCacheStats stats() {
        CacheStats counted = cache.synchronous().stats();
        return new CertificateCacheStats(cache.synchronous().estimatedSize(), hits.sum(), counted.missCount(),
                counted.loadFailureCount(), timeouts.sum(), counted.evictionCount());
    }

    /** Runs the cache's pending maintenance now (evictions), for tests that count them. */
    void cleanUp() {
        cache.synchronous().cleanUp();
    }

    private static CertifiedKey ready(CompletableFuture<CertifiedKey> future) {
        return future != null && future.isDone() && !future.isCompletedExceptionally() ? future.join() : null;
    }
}
