package dev.autotls.internal.engine;

import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.Lease;
import dev.autotls.spi.Locker;
import dev.autotls.testing.MemoryStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A store with a change feed over a {@link MemoryStore}: a list of changed keys whose index is
 * the position; {@link #trim} drops it all, as a trimmed feed does.
 */
final class FeedStore implements CertificateStore {
    final MemoryStore memory;
    private final List<String> changes = new ArrayList<>();
    private int trimmedBelow;
    /** When not negative, every read of the feed starts here at the latest, as PostgreSQL's does behind a held-back xmin. */
    volatile int heldBackFrom = -1;
    volatile boolean quiet;
    volatile boolean failChanges;
    volatile IoAction afterVersions;
    volatile IoAction duringChanges;
    final AtomicInteger versionCalls = new AtomicInteger();
    final AtomicInteger loads = new AtomicInteger();
    final AtomicReference<Runnable> listener = new AtomicReference<>();
    final AtomicBoolean listenerClosed = new AtomicBoolean();
    final List<String> lookThreads = new CopyOnWriteArrayList<>();

    @FunctionalInterface
    interface IoAction {
        void run() throws Exception;
    }

    FeedStore(MemoryStore memory) {
        this.memory = memory;
    }

    private synchronized void changed(Collection<String> keys) {
        if (!quiet) {
            changes.addAll(keys);
        }
    }

    /** The feed's position now. */
    synchronized int position() {
        return changes.size();
    }

    synchronized void trim() {
        trimmedBelow = changes.size();
    }

    @Override
    public Optional<Changes> changesSince(long position) throws IOException {
        lookThreads.add(Thread.currentThread().getName());
        IoAction during = duringChanges;
        if (during != null) {
            run(during);
        }
        memory.versions(List.of()); // fails as the memory store does while it is down
        if (failChanges && position != Changes.FROM_NOW) {
            throw new IOException("permission denied for table autotls_changes (the test's)");
        }
        synchronized (this) {
            if (position == Changes.FROM_NOW) {
                return Optional.of(new Changes(List.of(), changes.size(), false));
            }
            if (position < trimmedBelow) {
                return Optional.of(new Changes(List.of(), changes.size(), true));
            }
            int from = heldBackFrom < 0 ? (int) position : Math.min((int) position, heldBackFrom);
            return Optional.of(new Changes(changes.subList(from, changes.size()), changes.size(), false));
        }
    }

    @Override
    public Optional<AutoCloseable> whenChanged(Runnable notify) {
        listener.set(notify);
        return Optional.of(() -> listenerClosed.set(true));
    }

    @Override
    public Optional<byte[]> load(String key) throws IOException {
        loads.incrementAndGet();
        return memory.load(key);
    }

    @Override
    public void save(String key, byte[] data, Sensitivity sensitivity) throws IOException {
        memory.save(key, data, sensitivity);
        changed(List.of(key));
    }

    @Override
    public void saveAll(List<Item> items, Lease guard) throws IOException {
        memory.saveAll(items, guard);
        changed(CertificateStore.keys(items));
    }

    @Override
    public List<String> list(String folderKey) throws IOException {
        return memory.list(folderKey);
    }

    @Override
    public void delete(String key) throws IOException {
        memory.delete(key);
        changed(List.of(key));
    }

    @Override
    public Map<String, Long> versions(Collection<String> keys) throws IOException {
        versionCalls.incrementAndGet();
        Map<String, Long> found = memory.versions(keys);
        IoAction after = afterVersions;
        if (after != null) {
            run(after);
        }
        return found;
    }

    private static void run(IoAction action) throws IOException {
        try {
            action.run();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    @Override
    public Locker locker() {
        return memory.locker();
    }

    @Override
    public String describe() {
        return "memory with a feed";
    }
}
