package dev.autotls.internal.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The names a site manages at run time, as one immutable value: what {@link ManagedNamesFile}
 * keeps under {@link StorageKeys#MANAGED_NAMES}. Names from {@code autotls.domains} are not in
 * it (each instance reads those from its own configuration).
 *
 * @param version the record's version: 0 before the first change, one more with every change
 * @param names   the managed names, canonical, in the order they were added
 * @param retired certificates taken out of management whose files stay in the store until
 *                {@link Retired#until}, then are deleted
 * @param onDemand which of {@code names} came on demand, each with when it was admitted (the site's on-demand
 *                 order limit counts these times), in the order admitted
 */
public record ManagedNames(long version, List<String> names, List<Retired> retired, List<OnDemand> onDemand) {
    /** What a store that never held the record means: nothing managed at run time (today's stores). */
    public static final ManagedNames NONE = new ManagedNames(0, List.of(), List.of(), List.of());

    public ManagedNames {
        names = List.copyOf(names);
        retired = List.copyOf(retired);
        onDemand = List.copyOf(onDemand);
    }

    /** A set with no names obtained on demand (what format 1 holds). */
    public ManagedNames(long version, List<String> names, List<Retired> retired) {
        this(version, names, retired, List.of());
    }

    /**
     * A name obtained on demand.
     *
     * @param name     canonical
     * @param admitted when an instance admitted it (its order followed)
     */
    public record OnDemand(String name, Instant admitted) {
    }

    /** Whether {@code name} came on demand (and was not managed explicitly since). */
    public boolean isOnDemand(String name) {
        return onDemand.stream().anyMatch(o -> o.name().equals(name));
    }

    /**
     * With {@code admitted} managed as names obtained on demand at {@code at} (those managed already are left as they
     * are), and no longer retired: a name unmanaged earlier and admitted again uses its stored files, which must stay.
     */
    public ManagedNames withOnDemand(Collection<String> admitted, Instant at) {
        Set<String> all = new LinkedHashSet<>(names);
        List<OnDemand> marks = new ArrayList<>(onDemand);
        for (String name : admitted) {
            if (all.add(name)) {
                marks.add(new OnDemand(name, at));
            }
        }
        List<Retired> kept = retired.stream().filter(r -> !admitted.contains(r.firstName())).toList();
        return new ManagedNames(version, new ArrayList<>(all), kept, marks);
    }

    /**
     * A certificate no longer managed.
     *
     * @param firstName the certificate's first name (its folder in the store)
     * @param until     when what the store holds for it expires (when it was retired); its files go after that
     */
    public record Retired(String firstName, Instant until) {
    }

    /**
     * With {@code added} managed (each once) and no longer retired under any of {@code firstNames}; a
     * name that came on demand and is managed explicitly now is no longer one obtained on demand.
     */
    public ManagedNames with(Collection<String> added, Collection<String> firstNames) {
        Set<String> all = new LinkedHashSet<>(names);
        all.addAll(added);
        List<Retired> kept = retired.stream().filter(r -> !firstNames.contains(r.firstName())).toList();
        return new ManagedNames(version, new ArrayList<>(all), kept,
                onDemand.stream().filter(o -> !added.contains(o.name())).toList());
    }

    /** With {@code removed} no longer managed and {@code newlyRetired} waiting for their expiry. */
    public ManagedNames without(Collection<String> removed, Collection<Retired> newlyRetired) {
        List<String> kept = names.stream().filter(name -> !removed.contains(name)).toList();
        List<Retired> all = new ArrayList<>();
        for (Retired r : retired) {
            if (newlyRetired.stream().noneMatch(n -> n.firstName().equals(r.firstName()))) {
                all.add(r);
            }
        }
        all.addAll(newlyRetired);
        return new ManagedNames(version, kept, all, onDemand.stream().filter(o -> !removed.contains(o.name())).toList());
    }

    /** With the retired entry of {@code firstName} replaced by {@code replacement} (null: dropped). */
    public ManagedNames retiredAs(String firstName, Retired replacement) {
        List<Retired> all = new ArrayList<>();
        for (Retired r : retired) {
            if (!r.firstName().equals(firstName)) {
                all.add(r);
            } else if (replacement != null) {
                all.add(replacement);
            }
        }
        return new ManagedNames(version, names, all, onDemand);
    }

    /** Whether it holds the same names and retired certificates as {@code other}, whatever the versions. */
    boolean sameContent(ManagedNames other) {
        return names.equals(other.names) && retired.equals(other.retired) && onDemand.equals(other.onDemand);
    }

    ManagedNames versioned(long newVersion) {
        return new ManagedNames(newVersion, names, retired, onDemand);
    }

    /**
     * This set with the names of {@code other} it lacks added (with their on-demand marks and retired
     * certificates), under a version above both: a name this set manages stays managed (for
     * migrate-storage, which only ever adds).
     */
    public ManagedNames withNamesOf(ManagedNames other) {
        List<String> names = new ArrayList<>(names());
        List<OnDemand> marks = new ArrayList<>(onDemand());
        for (String name : other.names()) {
            if (!names.contains(name)) {
                names.add(name);
                other.onDemand().stream().filter(o -> o.name().equals(name)).forEach(marks::add);
            }
        }
        List<Retired> kept = new ArrayList<>(retired());
        for (Retired r : other.retired()) {
            if (kept.stream().noneMatch(t -> t.firstName().equals(r.firstName()))) {
                kept.add(r);
            }
        }
        return new ManagedNames(Math.max(version(), other.version()) + 1, names, kept, marks);
    }
}
