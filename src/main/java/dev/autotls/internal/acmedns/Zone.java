package dev.autotls.internal.acmedns;

import dev.autotls.acmedns.ResponderConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TextParseException;

/**
 * The static part of the zone: its SOA and the records given in the configuration
 * (zone-file lines, TTL 3600 unless the line has one), indexed by owner name. Immutable.
 */
public final class Zone {
    static final long STATIC_TTL = 3600;

    final Name origin;
    final SOARecord soa;
    private final Map<Name, List<Record>> byOwner = new HashMap<>();
    /** Owners and every name between them and the apex (empty non-terminals exist too: NODATA, not NXDOMAIN). */
    private final Set<Name> existing = new HashSet<>();

    public Zone(ResponderConfig config, long serial) throws IOException {
        origin = Name.fromString(config.zone() + ".");
        Name ns = Name.fromString(config.nsName() + ".");
        Name admin = Name.fromString(config.nsAdmin() + ".");
        soa = new SOARecord(origin, org.xbill.DNS.DClass.IN, STATIC_TTL, ns, admin, serial, 28800, 7200, 604800, 86400);
        existing.add(origin);
        for (String line : config.staticRecords()) {
            for (Record record : parse(line)) {
                if (!record.getName().subdomain(origin)) {
                    throw new IOException("the static record '" + line + "' is outside the zone " + config.zone());
                }
                byOwner.computeIfAbsent(record.getName(), n -> new ArrayList<>()).add(record);
                for (Name name = record.getName(); name.subdomain(origin); name = new Name(name, 1)) {
                    existing.add(name);
                    if (name.equals(origin)) {
                        break;
                    }
                }
            }
        }
    }

    private List<Record> parse(String line) throws IOException {
        List<Record> records = new ArrayList<>();
        try (Master master = new Master(new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)), origin, STATIC_TTL)) {
            // records only, as acme-dns reads them: $INCLUDE would read any file (/dev/zero: without end),
            // $GENERATE 0-4294967295 would make four billion records
            master.disableIncludes(true);
            master.expandGenerate(false);
            for (Record record = master.nextRecord(); record != null; record = master.nextRecord()) {
                records.add(record);
            }
            if (master.generators().hasNext()) {
                throw new IOException("the static record '" + line + "' is a $GENERATE directive; list the records it"
                        + " stands for one by one");
            }
        } catch (TextParseException | RuntimeException e) { // dnsjava's parser throws some of its own (e.g. on "$GENERATE 1-;")
            throw new IOException("the static record '" + line + "' is not a zone-file line: " + e.getMessage(), e);
        }
        return records;
    }

    boolean contains(Name name) {
        return name.subdomain(origin);
    }

    List<Record> staticRecords(Name owner) {
        return byOwner.getOrDefault(owner, List.of());
    }

    boolean exists(Name name) {
        return existing.contains(name);
    }
}
