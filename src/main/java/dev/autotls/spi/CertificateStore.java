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

    /**
     * The keys saved or deleted after {@code position} (a value an earlier answer gave), and
     * the position to ask from next; {@link Changes#FROM_NOW} asks for the current position
     * only. Empty when this store keeps no change feed: callers then compare {@link #versions}
     * instead, as before. A store that keeps one never leaves out a write that committed after
     * {@code position} was given, even one whose number was taken before it (a feed read with
     * an overlap, or by commit order); a key may come twice. When it can no longer tell what
     * changed since {@code position} (its log was trimmed) it says so with {@link Changes#gap},
     * and the caller reads everything again.
     */
    default Optional<Changes> changesSince(long position) throws IOException {
        return Optional.empty();
    }

    /**
     * Asks to be told, on a thread of the store's, soon after another process's write is
     * committed (PostgreSQL's LISTEN/NOTIFY), so the caller reads {@link #changesSince} at once
     * instead of at its next poll. Empty when this store cannot tell (the caller polls only);
     * closing the handle stops the notifications. A notification may come without a change,
     * and changes may come without one: callers keep polling, less often.
     */
    default Optional<AutoCloseable> whenChanged(Runnable listener) throws IOException {
        return Optional.empty();
    }

    /**
     * Keeps when the certificate in {@link NextLook#folderKey} is next to be looked at, and when
     * it expires, so {@link #nextLooks} can answer without reading every certificate. The default
     * keeps it as a small public item under {@code folderKey + "/next-look"}.
     */
    default void saveNextLook(NextLook look) throws IOException {
        save(look.folderKey() + "/" + NextLook.ITEM, look.encode(), Sensitivity.PUBLIC);
    }

    /**
     * Forgets the next look kept for the certificate in {@code folderKey} (its files are deleted, or
     * it is no longer managed), so no look is planned for a certificate that is gone. The default
     * deletes the item {@link #saveNextLook} keeps; a store that keeps next looks elsewhere deletes
     * them there. Nothing kept is no error.
     */
    default void deleteNextLook(String folderKey) throws IOException {
        delete(folderKey + "/" + NextLook.ITEM);
    }

    /**
     * The next looks kept for the certificate folders directly below {@code parentKey} that fall
     * before {@code before}, soonest first, at most {@code limit}. The default reads every folder's
     * item (fine for a few thousand certificates); a store for more answers from an index.
     */
    default List<NextLook> nextLooks(String parentKey, java.time.Instant before, int limit) throws IOException {
        List<String> keys = new ArrayList<>();
        for (String folder : list(parentKey)) {
            keys.add(parentKey + "/" + folder + "/" + NextLook.ITEM);
        }
        List<NextLook> due = new ArrayList<>();
        for (Map.Entry<String, byte[]> item : loadAll(keys).entrySet()) {
            String key = item.getKey();
            NextLook.decode(key.substring(0, key.length() - NextLook.ITEM.length() - 1), item.getValue())
                    .filter(look -> look.at().isBefore(before))
                    .ifPresent(due::add);
        }
        due.sort(java.util.Comparator.comparing(NextLook::at).thenComparing(NextLook::folderKey));
        return due.size() > limit ? List.copyOf(due.subList(0, limit)) : due;
    }

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

    /**
     * What a {@link #changesSince} answer holds.
     *
     * @param keys     the keys saved or deleted after the position asked from (possibly some twice, or some from before it)
     * @param position where to ask from next time
     * @param gap      the store cannot tell every change since the position asked from: read everything again
     */
    record Changes(List<String> keys, long position, boolean gap) {
        /** Asks {@link #changesSince} for the current position only. */
        public static final long FROM_NOW = -1;

        public Changes {
            keys = List.copyOf(keys);
        }
    }

    /**
     * When a certificate is next to be looked at (its renewal falls due, or a retry after a failure),
     * and when it expires.
     *
     * @param folderKey the certificate's folder key (the folder of its key, chain and metadata)
     * @param at        the next look
     * @param expires   the stored certificate's expiry, or {@link java.time.Instant#MAX} when none is stored
     */
    record NextLook(String folderKey, java.time.Instant at, java.time.Instant expires) {
        /** The item below a certificate folder that holds its next look in the default implementation. */
        public static final String ITEM = "next-look";

        public NextLook {
            if (folderKey == null || at == null || expires == null) {
                throw new IllegalArgumentException("a next look needs a folder key, a time and an expiry");
            }
        }

        /** {@code at expires} as ISO-8601 instants, one line: readable in a folder store. */
        byte[] encode() {
            return (at + " " + expires + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }

        /** The look {@link #encode} wrote, or empty if {@code data} is not one (written by hand, or cut). */
        static Optional<NextLook> decode(String folderKey, byte[] data) {
            String[] parts = new String(data, java.nio.charset.StandardCharsets.US_ASCII).trim().split(" ");
            if (parts.length != 2) {
                return Optional.empty();
            }
            try {
                return Optional.of(new NextLook(folderKey, java.time.Instant.parse(parts[0]), java.time.Instant.parse(parts[1])));
            } catch (java.time.format.DateTimeParseException e) {
                return Optional.empty();
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
