package dev.autotls.internal.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The looks a {@link LookPlanner} keeps in memory, soonest first, at most one per certificate
 * (by identity, as the manager's set holds them). The few certificates that must be looked at
 * soon, not the many healthy ones: those wait in the store's index of next looks. Not
 * thread-safe: the planner's lock guards it.
 */
final class WakeUps {
    /** One look; {@code order} breaks ties between looks at the same instant, first come first served. */
    private record Entry(Instant at, long order, ManagedCertificate certificate) {
    }

    private final Map<ManagedCertificate, Entry> byCertificate = new HashMap<>();
    private final TreeSet<Entry> byTime = new TreeSet<>(Comparator.comparing(Entry::at).thenComparingLong(Entry::order));
    private long added;

    /** Looks at {@code certificate} no later than {@code at}: a later wake-up it had is moved, an earlier one kept. */
    void noLaterThan(ManagedCertificate certificate, Instant at) {
        Entry kept = byCertificate.get(certificate);
        if (kept == null || at.isBefore(kept.at())) {
            set(certificate, at);
        }
    }

    /** Looks at {@code certificate} at {@code at}, whatever wake-up it had. */
    void set(ManagedCertificate certificate, Instant at) {
        remove(certificate);
        Entry entry = new Entry(at, added++, certificate);
        byCertificate.put(certificate, entry);
        byTime.add(entry);
    }

    void remove(ManagedCertificate certificate) {
        Entry entry = byCertificate.remove(certificate);
        if (entry != null) {
            byTime.remove(entry);
        }
    }

    /** The soonest wake-up, or null when there is none. */
    Instant first() {
        return byTime.isEmpty() ? null : byTime.first().at();
    }

    /** Takes out and returns, soonest first, at most {@code max} certificates whose wake-up is not after {@code now}. */
    List<ManagedCertificate> takeDue(Instant now, int max) {
        List<ManagedCertificate> due = new ArrayList<>();
        while (due.size() < max && !byTime.isEmpty() && !byTime.first().at().isAfter(now)) {
            Entry entry = byTime.pollFirst();
            byCertificate.remove(entry.certificate());
            due.add(entry.certificate());
        }
        return due;
    }

    void clear() {
        byCertificate.clear();
        byTime.clear();
    }
}
