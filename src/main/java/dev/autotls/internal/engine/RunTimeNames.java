package dev.autotls.internal.engine;

import dev.autotls.ConfigurationException;
import dev.autotls.internal.config.DomainNames;
import dev.autotls.spi.StorageException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What {@code AutoTls.manage} and {@code unmanage} do with what the application passes before the
 * {@link ManagedSet} sees it: names checked and made canonical, one sentence for a bad one, and a
 * store failure turned into the stage's outcome.
 */
public final class RunTimeNames {
    private RunTimeNames() {
    }

    /**
     * The names canonical and de-duplicated, in the order given.
     *
     * @throws ConfigurationException naming the value and what is allowed, for the first name that is not valid or when none is given
     */
    public static List<String> canonical(Collection<String> names) {
        Objects.requireNonNull(names, "names");
        Set<String> canonical = new LinkedHashSet<>();
        for (String name : names) {
            if (name == null || name.isBlank()) {
                throw new ConfigurationException("an empty name cannot be managed; give names like example.com or *.example.com");
            }
            try {
                canonical.add(DomainNames.canonical(name));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(e.getMessage() + "; give names like example.com or *.example.com");
            }
        }
        if (canonical.isEmpty()) {
            throw new ConfigurationException("no names given; give names like example.com or *.example.com");
        }
        return new ArrayList<>(canonical);
    }

    /**
     * Daemon threads that complete the stages {@code AutoTls.manage} returned: the engine completes its own stage
     * from maintenance threads, inside its locks (a certificate added, the set applied), where an application's
     * callback must never run (it could block maintenance or take a lock of its own in the other order). Made as
     * needed and ended when idle, so there is nothing to stop.
     */
    private static final ThreadPoolExecutor CALLBACKS = callbacks();

    private static ThreadPoolExecutor callbacks() {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "autotls-manage-callbacks-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * {@code stage} as the application sees it: complete already if it is (its callbacks then run on the caller's
     * thread, outside every engine lock), else completed later on {@link #CALLBACKS} with the same value or the
     * same failure (not wrapped), so no application callback ever runs inside the engine.
     */
    public static <T> CompletionStage<T> outsideEngine(CompletionStage<T> stage) {
        CompletableFuture<T> engine = stage.toCompletableFuture();
        if (engine.isDone()) {
            return stage;
        }
        CompletableFuture<T> seen = new CompletableFuture<>();
        engine.whenComplete((value, failure) -> CALLBACKS.execute(() -> {
            if (failure == null) {
                seen.complete(value);
            } else {
                seen.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            }
        }));
        return seen.minimalCompletionStage();
    }

    /** {@link ManagedSet#unmanage} for names as given, with a store failure as the stage's outcome. */
    public static CompletionStage<Void> unmanage(ManagedSet set, Collection<String> names) {
        List<String> canonical = canonical(names);
        try {
            set.unmanage(canonical);
            return CompletableFuture.completedStage(null);
        } catch (StorageException e) {
            return CompletableFuture.failedStage(e);
        }
    }
}
