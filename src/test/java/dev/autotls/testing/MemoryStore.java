package dev.autotls.testing;

import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.Lease;
import dev.autotls.spi.Locker;
import dev.autotls.spi.LostLeaseException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link CertificateStore} in memory, for unit tests of the engine: the SPI's contract (atomic
 * saves, versions, fenced leases) without files or a database, plus switches a test turns: the
 * store down, a lease taken over by another owner, a count of reads.
 */
public final class MemoryStore implements CertificateStore, Locker {
    private final Map<String, byte[]> data = new HashMap<>();
    private final Map<String, Long> versions = new HashMap<>();
    private final Map<String, Long> holders = new HashMap<>(); // lease name -> token of its holder
    private long nextVersion = 1;
    private long nextToken = 1;
    private volatile boolean down;
    /** How many times each key was read by {@link #load}. */
    public final Map<String, AtomicInteger> reads = new java.util.concurrent.ConcurrentHashMap<>();

    /** Per key, how many of the next {@link #load}s of it fail. */
    private final Map<String, Integer> failingLoads = new HashMap<>();

    /** The next {@code times} loads of {@code key} fail as a store that stopped answering (every other call works). */
    public synchronized void failLoads(String key, int times) {
        failingLoads.put(key, times);
    }

    /** Per key, how many of the next {@link #save}s of it fail. */
    private final Map<String, Integer> failingSaves = new HashMap<>();

    /** The next {@code times} saves of {@code key} fail as a store that stopped answering (every other call works). */
    public synchronized void failSaves(String key, int times) {
        failingSaves.put(key, times);
    }

    /** How many of the next guarded saves ({@link #saveAll}) fail. */
    private int failingGuardedSaves;

    /** The next {@code times} guarded saves fail as a store that stopped answering (reads and leases work). */
    public synchronized void failSaves(int times) {
        failingGuardedSaves = times;
    }

    /** While true, every call fails as a store that cannot be reached. */
    public void down(boolean isDown) {
        this.down = isDown;
    }

    /** Another owner takes the lease on {@code name}: the current holder's guarded writes are refused from now on. */
    public synchronized void takeOver(String name) {
        holders.put(name, nextToken++);
    }

    /** Whether anybody holds the lease on {@code name}. */
    public synchronized boolean held(String name) {
        return holders.containsKey(name);
    }

    private void reachable() throws IOException {
        if (down) {
            throw new IOException("the test's store is down");
        }
    }

    @Override
    public synchronized Optional<byte[]> load(String key) throws IOException {
        reachable();
        Integer failing = failingLoads.get(key);
        if (failing != null && failing > 0) {
            failingLoads.put(key, failing - 1);
            throw new IOException("the test's store failed reading " + key);
        }
        reads.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        return Optional.ofNullable(data.get(key)).map(byte[]::clone);
    }

    @Override
    public synchronized void save(String key, byte[] bytes, Sensitivity sensitivity) throws IOException {
        reachable();
        Integer failing = failingSaves.get(key);
        if (failing != null && failing > 0) {
            failingSaves.put(key, failing - 1);
            throw new IOException("the test's store failed writing " + key);
        }
        data.put(key, bytes.clone());
        versions.put(key, nextVersion++);
    }

    @Override
    public synchronized void saveAll(List<Item> items, Lease guard) throws IOException {
        reachable();
        if (failingGuardedSaves > 0) {
            failingGuardedSaves--;
            throw new IOException("the test's store failed writing " + CertificateStore.keys(items));
        }
        Long holder = holders.get(guard.name());
        if (holder == null || holder != guard.token()) {
            throw new LostLeaseException("the lease on " + guard.name() + " is no longer held");
        }
        for (Item item : items) {
            data.put(item.key(), item.data().clone());
            versions.put(item.key(), nextVersion++);
        }
    }

    @Override
    public synchronized List<String> list(String folderKey) throws IOException {
        reachable();
        String prefix = folderKey.isEmpty() ? "" : folderKey + "/";
        TreeSet<String> names = new TreeSet<>();
        for (String key : data.keySet()) {
            if (key.startsWith(prefix)) {
                String rest = key.substring(prefix.length());
                names.add(rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest);
            }
        }
        return new ArrayList<>(names);
    }

    @Override
    public synchronized void delete(String key) throws IOException {
        reachable();
        data.remove(key);
        versions.remove(key);
    }

    @Override
    public synchronized Map<String, Long> versions(Collection<String> keys) throws IOException {
        reachable();
        Map<String, Long> found = new HashMap<>();
        for (String key : keys) {
            Long version = versions.get(key);
            if (version != null) {
                found.put(key, version);
            }
        }
        return found;
    }

    @Override
    public Locker locker() {
        return this;
    }

    @Override
    public String describe() {
        return "memory";
    }

    @Override
    public synchronized Optional<Lease> tryAcquire(String name) throws IOException {
        reachable();
        if (holders.containsKey(name)) {
            return Optional.empty();
        }
        long token = nextToken++;
        holders.put(name, token);
        return Optional.of(new Held(name, token));
    }

    @Override
    public Lease acquire(String name, Duration maxWait) throws IOException {
        return tryAcquire(name).orElseThrow(() -> new LockTimeoutException(name + " is held by another owner"));
    }

    private final class Held implements Lease {
        private final String name;
        private final long token;

        Held(String name, long token) {
            this.name = name;
            this.token = token;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long token() {
            return token;
        }

        @Override
        public boolean isHeld() {
            synchronized (MemoryStore.this) {
                Long holder = holders.get(name);
                return holder != null && holder == token;
            }
        }

        @Override
        public void renew() throws IOException {
            if (!isHeld()) {
                throw new LostLeaseException("the lease on " + name + " is no longer held");
            }
        }

        @Override
        public void close() {
            synchronized (MemoryStore.this) {
                holders.remove(name, token);
            }
        }
    }
}
