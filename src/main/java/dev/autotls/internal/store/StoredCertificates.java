package dev.autotls.internal.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads many stored certificates at once, for a start with thousands of names: the store is
 * asked in chunks (one {@code loadAll} per chunk: one query on PostgreSQL, one guarded pass on
 * a folder, instead of one per certificate) and each chunk is decoded as soon as it is read,
 * on as many threads as there are cores, so reading and parsing overlap. Each certificate's
 * three keys are in the same chunk, so it is still read from one snapshot.
 */
public final class StoredCertificates {
    /** Certificates per store request: few enough for one statement, enough to amortise a round trip. */
    static final int CHUNK = 250;

    /** What was found for one certificate: the certificate (empty: none stored), or why it cannot be served. */
    public record Loaded(Optional<StoredCertificate> certificate, IOException failure) {
        static Loaded of(Optional<StoredCertificate> certificate) {
            return new Loaded(certificate, null);
        }

        static Loaded failed(IOException failure) {
            return new Loaded(Optional.empty(), failure);
        }
    }

    private StoredCertificates() {
    }

    /**
     * The stored certificate for each of {@code firstNames} (keyed by them): a corrupt one as a
     * {@link CorruptDataException}, a chunk the store could not read as that store's exception
     * for each certificate in it; never throws for one certificate's sake.
     */
    public static Map<String, Loaded> load(CertificateFiles files, List<String> firstNames) throws InterruptedException {
        List<List<String>> chunks = new ArrayList<>();
        for (int from = 0; from < firstNames.size(); from += CHUNK) {
            chunks.add(firstNames.subList(from, Math.min(firstNames.size(), from + CHUNK)));
        }
        Map<String, Loaded> all = new HashMap<>(firstNames.size() * 2);
        if (chunks.size() <= 1) {
            for (List<String> chunk : chunks) {
                all.putAll(loadChunk(files, chunk));
            }
            return all;
        }
        int threads = Math.min(chunks.size(), Math.max(2, Runtime.getRuntime().availableProcessors()));
        AtomicInteger count = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "autotls-load-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Map<String, Loaded>>> results = new ArrayList<>();
            for (List<String> chunk : chunks) {
                results.add(pool.submit(() -> loadChunk(files, chunk)));
            }
            for (Future<Map<String, Loaded>> result : results) {
                all.putAll(result.get());
            }
            return all;
        } catch (ExecutionException e) { // loadChunk catches what it expects; anything else is a bug
            throw new IllegalStateException("loading stored certificates failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static Map<String, Loaded> loadChunk(CertificateFiles files, List<String> firstNames) {
        List<String> keys = new ArrayList<>(firstNames.size() * 3);
        for (String firstName : firstNames) {
            keys.addAll(files.keysOf(firstName));
        }
        Map<String, Loaded> loaded = new HashMap<>(firstNames.size() * 2);
        Map<String, byte[]> found;
        try {
            found = files.store().loadAll(keys);
        } catch (IOException e) {
            for (String firstName : firstNames) {
                loaded.put(firstName, Loaded.failed(e));
            }
            return loaded;
        }
        for (String firstName : firstNames) {
            try {
                loaded.put(firstName, Loaded.of(files.fromFound(firstName, found)));
            } catch (CorruptDataException e) {
                loaded.put(firstName, Loaded.failed(e));
            } catch (RuntimeException e) { // a decoder's surprise stays this certificate's problem
                loaded.put(firstName, Loaded.failed(new CorruptDataException(firstName + ": unreadable (" + e + ")", e)));
            }
        }
        return loaded;
    }
}
