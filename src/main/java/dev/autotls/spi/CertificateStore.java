package dev.autotls.spi;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where accounts, keys, certificates, acme-dns registrations and http-01 and tls-alpn-01 answers persist,
 * shared by every instance that uses the same store (one site).
 *
 * <p>Contract: keys are relative, slash-separated paths of {@code [A-Za-z0-9._-]} segments
 * built by {@code dev.autotls.internal.store.StorageKeys} (never by callers by hand).
 * Implementations are safe for concurrent use within a process and across processes.
 * A {@link #save} is atomic: a reader sees the old bytes or the new ones, never a part,
 * also after a crash; {@link #saveAll} makes several keys change together, and only while
 * the caller still holds the given lease (fencing), so a writer that lost its lease can
 * never overwrite the work of the one that took it over. Secret items are readable by the
 * owner only. A missing key is an empty result, not an exception; {@link IOException}
 * means the store itself failed (and {@link LostLeaseException} that a guarded write was
 * refused).
 */
public interface CertificateStore extends AutoCloseable {

    /** The bytes stored under {@code key}, or empty if nothing is. */
    Optional<byte[]> load(String key) throws IOException;

    /**
     * The bytes of several keys read together: when another process saved them with one
     * {@link #saveAll}, all come from before that save or all from after it. Missing keys are
     * absent from the map.
     */
    default Map<String, byte[]> loadAll(Collection<String> keys) throws IOException {
        Map<String, byte[]> found = new java.util.LinkedHashMap<>();
        for (String key : keys) {
            load(key).ifPresent(data -> found.put(key, data));
        }
        return found;
    }

    /** Stores {@code data} under {@code key}, replacing what was there, atomically. */
    void save(String key, byte[] data, Sensitivity sensitivity) throws IOException;

    /**
     * Stores every item or none, and only if {@code guard} is still held by its owner.
     *
     * @throws LostLeaseException if the lease expired or another owner holds it now; nothing was written
     */
    void saveAll(List<Item> items, Lease guard) throws IOException;

    /** The names directly below {@code folderKey} (files and folders), sorted; empty if there is none. */
    List<String> list(String folderKey) throws IOException;

    /** Removes {@code key}; nothing happens if it does not exist. */
    void delete(String key) throws IOException;

    /**
     * A number per existing key that changes whenever the key is saved again, so an instance can
     * tell cheaply that another one stored something. Missing keys are absent from the map.
     */
    Map<String, Long> versions(Collection<String> keys) throws IOException;

    /** The leases of this store, shared with every instance that uses it. */
    Locker locker();

    /** Where the store is, for log lines ({@code /var/lib/autotls}, {@code postgresql://db.example:5432/autotls}); never a secret. */
    String describe();

    /** Releases connections and threads; the data stays. */
    @Override
    default void close() {
    }

    /** Whether stored bytes must be hidden from everyone but the owner. */
    enum Sensitivity {
        /** Private keys and credentials: owner read/write only (encrypted in a database when a key is set). */
        SECRET,
        /** Certificates and metadata: public by nature, still kept in owner-only folders. */
        PUBLIC
    }

    /** One key to write in {@link #saveAll}. */
    record Item(String key, byte[] data, Sensitivity sensitivity) {
        public Item {
            if (key == null || data == null || sensitivity == null) {
                throw new IllegalArgumentException("an item needs a key, data and a sensitivity");
            }
        }
    }

    /** The keys of {@code items}, in order. */
    static List<String> keys(List<Item> items) {
        List<String> keys = new ArrayList<>();
        for (Item item : items) {
            keys.add(item.key());
        }
        return keys;
    }
}
