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
 */
public record ManagedNames(long version, List<String> names, List<Retired> retired) {
    /** What a store that never held the record means: nothing managed at run time (today's stores). */
    public static final ManagedNames NONE = new ManagedNames(0, List.of(), List.of());

    public ManagedNames {
        names = List.copyOf(names);
        retired = List.copyOf(retired);
    }

    /**
     * A certificate no longer managed.
     *
     * @param firstName the certificate's first name (its folder in the store)
     * @param until     when what the store holds for it expires (when it was retired); its files go after that
     */
    public record Retired(String firstName, Instant until) {
    }

    /** With {@code added} managed (each once) and no longer retired under any of {@code firstNames}. */
    public ManagedNames with(Collection<String> added, Collection<String> firstNames) {
        Set<String> all = new LinkedHashSet<>(names);
        all.addAll(added);
        List<Retired> kept = retired.stream().filter(r -> !firstNames.contains(r.firstName())).toList();
        return new ManagedNames(version, new ArrayList<>(all), kept);
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
        return new ManagedNames(version, kept, all);
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
        return new ManagedNames(version, names, all);
    }

    /** Whether it holds the same names and retired certificates as {@code other}, whatever the versions. */
    boolean sameContent(ManagedNames other) {
        return names.equals(other.names) && retired.equals(other.retired);
    }

    ManagedNames versioned(long newVersion) {
        return new ManagedNames(newVersion, names, retired);
    }
}
