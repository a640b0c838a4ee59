package dev.autotls.internal.engine;

import dev.autotls.CertificateStatus;
import dev.autotls.ConfigurationException;
import dev.autotls.internal.config.RateLimit;
import dev.autotls.internal.store.ManagedNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which names one on-demand admission lets in, decided on the set as read under its lease: in
 * order, each name not managed yet, while the site's order limit has a slot now (the admission
 * times kept in the set count for every instance) and the set holds fewer than {@code maxNames}
 * names obtained on demand. Pure: the caller writes {@link #after} and applies it.
 *
 * @param admitted names made managed now (each to be ordered once, site-wide)
 * @param full     names refused because the set holds {@code maxNames} on-demand names already
 * @param nextSlot when the limit lets the next name in, if some were left waiting for it
 * @param after    the set with the admitted names
 */
record OnDemandAdmission(List<String> admitted, List<String> full, Optional<Instant> nextSlot, ManagedNames after) {

    /**
     * Of {@code candidates}, those that may be admitted: not managed yet ({@code configured} or in
     * {@code seen}), not the base name of a managed wildcard (whose certificate it would join, which on
     * demand never changes), and validated by some allowed strategy ({@code maker} refuses before
     * anything is written). Each refused one goes into {@code unusable} with its sentence.
     */
    static List<String> usable(Collection<String> candidates, Set<String> configured, ManagedNames seen, ManagedSet.Maker maker,
                               Map<String, String> unusable) {
        List<String> usable = new ArrayList<>();
        for (String name : candidates) {
            if (configured.contains(name) || seen.names().contains(name)) {
                continue;
            }
            String wildcard = "*." + name;
            if (configured.contains(wildcard) || seen.names().contains(wildcard)) {
                unusable.put(name, name + " would join the certificate of the managed " + wildcard
                        + ", which on demand never changes; manage " + name + " with manage() instead");
                continue;
            }
            try {
                maker.make(List.of(name), n -> CertificateStatus.Origin.ON_DEMAND);
                usable.add(name);
            } catch (ConfigurationException e) {
                unusable.put(name, e.getMessage());
            }
        }
        return usable;
    }

    static OnDemandAdmission of(ManagedNames set, List<String> usable, RateLimit limit, int maxNames, Instant now) {
        List<Instant> times = new ArrayList<>(set.onDemand().stream().map(ManagedNames.OnDemand::admitted).toList());
        List<String> admitted = new ArrayList<>();
        List<String> full = new ArrayList<>();
        Instant nextSlot = null;
        for (String name : usable) {
            if (set.names().contains(name)) {
                continue; // admitted by another instance meanwhile: its order is the one
            }
            if (set.onDemand().size() + admitted.size() >= maxNames) {
                full.add(name);
                continue;
            }
            Optional<Instant> slot = limit.nextSlot(times, now);
            if (slot.isPresent()) {
                nextSlot = slot.get();
                break;
            }
            times.add(now);
            admitted.add(name);
        }
        return new OnDemandAdmission(List.copyOf(admitted), List.copyOf(full), Optional.ofNullable(nextSlot),
                set.withOnDemand(admitted, now));
    }
}
