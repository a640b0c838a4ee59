package dev.autotls.internal.engine.pacing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autotls.internal.store.CorruptDataException;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.Lease;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Keeps one account's {@link QueueRecord} under {@link StorageKeys#pacing}: one compact JSON document,
 * {@code {"format":1,"version":7,"orders":[ms...],"domains":{"example.com":[ms...]},
 * "pauses":[{"domain":null,"until":"...","why":"..."}],"waiting":[["a.example.com",0,key,ask]...]}}
 * (times in epoch milliseconds; a waiting entry as an array, about 50 bytes). Every change is
 * read-decide-write under {@link StorageKeys#pacingLock}, so instances deciding at the same moment
 * never admit past a limit. A read outside the lease first asks the store for the item's version
 * and reuses the last document read when it has not changed. Unknown fields are ignored: a later
 * format only adds fields, so instances of two versions keep pacing together during an upgrade.
 */
final class QueueFile {
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a decision waits for another instance's, which holds the lease for one read and one write. */
    static final Duration LEASE_WAIT = Duration.ofSeconds(10);
    /**
     * How long an order's ask waits for the lease: a few tries (its holder needs milliseconds), then the
     * ask answers "again shortly". Waiting {@link #LEASE_WAIT} held an order worker, and the certificate's
     * own lease, while every instance's asks queued up behind one another; not trying again at all
     * would leave an urgent renewal out of the queue whenever its one try met another ask.
     */
    static final Duration ASK_WAIT = Duration.ofMillis(300);

    private final CertificateStore store;
    private final String key;
    private final String lock;
    /** The last record read or written and its store version, reused while the version holds. */
    private volatile Cached cached;

    private record Cached(long storeVersion, QueueRecord record) {
    }

    QueueFile(CertificateStore store, String caFolder) {
        this.store = store;
        this.key = StorageKeys.pacing(caFolder);
        this.lock = StorageKeys.pacingLock(caFolder);
    }

    String key() {
        return key;
    }

    /** The record as the store holds it now (from the last read when its version has not changed). */
    QueueRecord load() throws IOException {
        Long version = store.versions(List.of(key)).get(key);
        if (version == null) {
            return QueueRecord.EMPTY;
        }
        Cached last = cached;
        if (last != null && last.storeVersion() == version) {
            return last.record();
        }
        Optional<byte[]> bytes = store.load(key);
        QueueRecord record = bytes.isEmpty() ? QueueRecord.EMPTY : decode(where(), bytes.get());
        cached = new Cached(version, record);
        return record;
    }

    /** The last record this instance read or wrote, without asking the store (metrics, status); empty before the first. */
    Optional<QueueRecord> lastSeen() {
        return Optional.ofNullable(cached).map(Cached::record);
    }

    /**
     * Applies {@code decide} to what the store holds now, under the queue's lease, and writes what
     * it returns when that changed anything; the decision's result. Waits up to {@link #LEASE_WAIT}
     * for the lease: for what must be recorded (a CA's pause); an order's ask waits {@link #ASK_WAIT}.
     *
     * @throws dev.autotls.spi.Locker.LockTimeoutException when another instance held the lease for {@link #LEASE_WAIT}
     */
    <T> T update(Function<QueueRecord, Decided<T>> decide) throws IOException {
        return update(decide, LEASE_WAIT);
    }

    /**
     * As {@link #update(Function)}, waiting at most {@code wait} for the lease.
     *
     * @throws dev.autotls.spi.Locker.LockTimeoutException when another instance held the lease for {@code wait}
     */
    <T> T update(Function<QueueRecord, Decided<T>> decide, Duration wait) throws IOException {
        try (Lease lease = store.locker().acquire(lock, wait)) {
            return decideUnder(lease, decide);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the lease on " + key);
        }
    }

    private <T> T decideUnder(Lease lease, Function<QueueRecord, Decided<T>> decide) throws IOException {
        QueueRecord now = load();
        Decided<T> decided = decide.apply(now);
        if (!decided.record().sameContent(now)) {
            QueueRecord next = decided.record().withVersion(now.version() + 1);
            store.saveAll(List.of(new CertificateStore.Item(key, encode(next), CertificateStore.Sensitivity.PUBLIC)), lease);
            Long version = store.versions(List.of(key)).get(key);
            cached = version == null ? null : new Cached(version, next);
        }
        return decided.result();
    }

    /** What a decision made of the record, and what it answers. */
    record Decided<T>(QueueRecord record, T result) {
    }

    private String where() {
        return store.describe() + " " + key;
    }

    static byte[] encode(QueueRecord record) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", record.version());
        ArrayNode orders = root.putArray("orders");
        record.orders().forEach(orders::add);
        ObjectNode domains = root.putObject("domains");
        record.domains().forEach((domain, times) -> times.forEach(domains.withArray(domain)::add));
        ArrayNode pauses = root.putArray("pauses");
        for (QueueRecord.Pause pause : record.pauses()) {
            ObjectNode node = pauses.addObject();
            node.put("domain", pause.domain());
            node.put("until", Instant.ofEpochMilli(pause.until()).toString());
            node.put("why", pause.why());
        }
        ArrayNode waiting = root.putArray("waiting");
        for (QueueRecord.Waiting entry : record.waiting()) {
            waiting.addArray().add(entry.certificate()).add(entry.rank()).add(entry.key()).add(entry.ask());
        }
        return JSON.writeValueAsBytes(root);
    }

    static QueueRecord decode(String where, byte[] bytes) throws CorruptDataException {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new CorruptDataException(where + " is not valid JSON (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isObject() || !root.path("version").canConvertToLong()) {
            throw new CorruptDataException(where + " has no version");
        }
        List<Long> orders = new ArrayList<>();
        root.path("orders").forEach(t -> orders.add(t.asLong()));
        Map<String, List<Long>> domains = new LinkedHashMap<>();
        root.path("domains").fields().forEachRemaining(entry -> {
            List<Long> times = new ArrayList<>();
            entry.getValue().forEach(t -> times.add(t.asLong()));
            domains.put(entry.getKey(), times);
        });
        List<QueueRecord.Pause> pauses = new ArrayList<>();
        for (JsonNode pause : root.path("pauses")) {
            try {
                String domain = pause.path("domain").isTextual() ? pause.path("domain").asText() : null;
                pauses.add(new QueueRecord.Pause(domain, Instant.parse(pause.path("until").asText()).toEpochMilli(),
                        pause.path("why").asText("")));
            } catch (DateTimeParseException e) {
                throw new CorruptDataException(where + " has a pause without a valid time: " + pause, e);
            }
        }
        List<QueueRecord.Waiting> waiting = new ArrayList<>();
        for (JsonNode entry : root.path("waiting")) {
            if (!entry.isArray() || entry.size() < 4 || !entry.get(0).isTextual()) {
                throw new CorruptDataException(where + " has a waiting entry that is not [certificate, rank, key, ask]: " + entry);
            }
            waiting.add(new QueueRecord.Waiting(entry.get(0).asText(), entry.get(1).asInt(), entry.get(2).asLong(),
                    entry.get(3).asLong()));
        }
        return new QueueRecord(root.path("version").asLong(), orders, domains, pauses, waiting);
    }

}
