package dev.autotls.internal.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.Lease;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Reads and changes {@link ManagedNames} under {@link StorageKeys#MANAGED_NAMES}: one small JSON
 * document, {@code {"format":1,"version":7,"names":[...],"retired":[{"certificate":...,"until":...}]}}; format 2
 * adds {@code "onDemand":[{"name":...,"admitted":...}]}, the names among {@code names} obtained on demand.
 *
 * <p>The format moves forward without breaking anyone: a store of an earlier version has no such
 * key, which reads as {@link ManagedNames#NONE}, and the key is new, so instances of that earlier
 * version never see it and keep serving their configured names during a rolling upgrade. Unknown
 * fields are ignored when reading; a document with a higher {@code format} than this code knows is
 * read but never rewritten (an older instance must not drop what a newer one wrote).
 *
 * <p>Format 2 is written only while some name came on demand: an instance of the version before it
 * reads such a document (and serves its names) but refuses to rewrite it, which would drop which
 * names came on demand; with none, format 1 is written and every version can change the set.
 *
 * <p>Every change is read-change-write under {@link StorageKeys#MANAGED_NAMES_LEASE} with the
 * write fenced by that lease, and the version grows by one, so instances changing the set at the
 * same time never lose each other's change.
 */
public final class ManagedNamesFile {
    /** The highest format this code reads and writes. */
    static final int FORMAT = 2;
    /** The format of a set without names obtained on demand, which the version before on demand can change too. */
    static final int FORMAT_WITHOUT_ON_DEMAND = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CertificateStore store;

    public ManagedNamesFile(CertificateStore store) {
        this.store = store;
    }

    /** The key whose {@link CertificateStore#versions version} changes with every change of the set. */
    public String versionKey() {
        return StorageKeys.MANAGED_NAMES;
    }

    /**
     * What the store holds; {@link ManagedNames#NONE} when it holds nothing yet.
     *
     * @throws CorruptDataException when the document cannot be read as a set of names
     */
    public ManagedNames load() throws IOException {
        Optional<byte[]> bytes = store.load(StorageKeys.MANAGED_NAMES);
        return bytes.isEmpty() ? ManagedNames.NONE : decode(where(), bytes.get()).names();
    }

    /**
     * Applies {@code change} to what the store holds now and writes the result with the next
     * version, all under the set's lease (waiting up to {@code wait} for it); what the store
     * holds afterwards. Nothing is written when the change changes nothing.
     *
     * @throws dev.autotls.spi.Locker.LockTimeoutException when another instance held the lease all that time
     * @throws CorruptDataException when what is stored is unreadable
     * @throws NewerFormatException when a newer autotls wrote it (read, never rewritten)
     */
    public ManagedNames update(UnaryOperator<ManagedNames> change, Duration wait) throws IOException {
        try (Lease lease = store.locker().acquire(StorageKeys.MANAGED_NAMES_LEASE, wait)) {
            return update(change, lease);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the lease on " + StorageKeys.MANAGED_NAMES);
        }
    }

    /** {@link #update(UnaryOperator, Duration)} if nobody holds the set's lease now; empty (and nothing done) if someone does. */
    public Optional<ManagedNames> tryUpdate(UnaryOperator<ManagedNames> change) throws IOException {
        Optional<Lease> lease = store.locker().tryAcquire(StorageKeys.MANAGED_NAMES_LEASE);
        if (lease.isEmpty()) {
            return Optional.empty();
        }
        try (Lease held = lease.get()) {
            return Optional.of(update(change, held));
        }
    }

    private ManagedNames update(UnaryOperator<ManagedNames> change, Lease lease) throws IOException {
        Optional<byte[]> bytes = store.load(StorageKeys.MANAGED_NAMES); // read again under the lease
        Decoded now = bytes.isEmpty() ? new Decoded(ManagedNames.NONE, FORMAT) : decode(where(), bytes.get());
        if (now.format() > FORMAT) {
            throw new NewerFormatException(where() + " was written by a newer autotls (format " + now.format()
                    + ", this one knows " + FORMAT + "); change the managed names through an instance of that version");
        }
        ManagedNames changed = change.apply(now.names());
        if (changed.sameContent(now.names())) {
            return now.names();
        }
        ManagedNames next = changed.versioned(now.names().version() + 1);
        store.saveAll(List.of(new CertificateStore.Item(StorageKeys.MANAGED_NAMES, encode(next),
                CertificateStore.Sensitivity.PUBLIC)), lease);
        return next;
    }

    private String where() {
        return store.describe() + " " + StorageKeys.MANAGED_NAMES;
    }

    /** A document as read: the set, and the format it was written in. */
    record Decoded(ManagedNames names, int format) {
    }

    static byte[] encode(ManagedNames names) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", names.onDemand().isEmpty() ? FORMAT_WITHOUT_ON_DEMAND : FORMAT);
        root.put("version", names.version());
        ArrayNode list = root.putArray("names");
        names.names().forEach(list::add);
        ArrayNode retired = root.putArray("retired");
        for (ManagedNames.Retired r : names.retired()) {
            ObjectNode entry = retired.addObject();
            entry.put("certificate", r.firstName());
            entry.put("until", r.until().toString());
        }
        if (!names.onDemand().isEmpty()) {
            ArrayNode onDemand = root.putArray("onDemand");
            for (ManagedNames.OnDemand o : names.onDemand()) {
                onDemand.addObject().put("name", o.name()).put("admitted", o.admitted().toString());
            }
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    /** Reads a document; {@code where} names it in the sentences. */
    static Decoded decode(String where, byte[] bytes) throws CorruptDataException {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new CorruptDataException(where + " is not valid JSON (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isObject() || !root.path("version").canConvertToLong() || !root.path("names").isArray()) {
            throw new CorruptDataException(where + " has no version and names list");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode name : root.path("names")) {
            if (!name.isTextual() || name.asText().isBlank()) {
                throw new CorruptDataException(where + " lists a name that is not text: " + name);
            }
            names.add(name.asText());
        }
        List<ManagedNames.Retired> retired = new ArrayList<>();
        for (JsonNode entry : root.path("retired")) {
            try {
                retired.add(new ManagedNames.Retired(entry.path("certificate").asText(), Instant.parse(entry.path("until").asText())));
            } catch (DateTimeParseException e) {
                throw new CorruptDataException(where + " has a retired certificate without a valid time: " + entry, e);
            }
        }
        List<ManagedNames.OnDemand> onDemand = new ArrayList<>();
        for (JsonNode entry : root.path("onDemand")) {
            try {
                String name = entry.path("name").asText();
                if (names.contains(name)) { // a mark without its name means nothing
                    onDemand.add(new ManagedNames.OnDemand(name, Instant.parse(entry.path("admitted").asText())));
                }
            } catch (DateTimeParseException e) {
                throw new CorruptDataException(where + " has a name obtained on demand without a valid time: " + entry, e);
            }
        }
        return new Decoded(new ManagedNames(root.path("version").asLong(), names, retired, onDemand),
                root.path("format").asInt(FORMAT_WITHOUT_ON_DEMAND));
    }
}
