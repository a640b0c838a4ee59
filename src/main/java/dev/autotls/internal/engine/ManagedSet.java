package dev.autotls.internal.engine;

import dev.autotls.CertificateStatus;
import dev.autotls.ConfigurationException;
import dev.autotls.Setting;
import dev.autotls.internal.config.RateLimit;
import dev.autotls.internal.store.CertificateFiles;
import dev.autotls.internal.store.ManagedNames;
import dev.autotls.internal.store.ManagedNamesFile;
import dev.autotls.spi.StorageException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which certificates are managed: the configured names (fixed for the life of the instance) and
 * the names managed at run time, which live in the store ({@link ManagedNamesFile}) with a version
 * so every instance sharing the store, and the next start, manage the same set.
 *
 * <p>A change is written to the store first (under the set's lease), then this instance's
 * certificates are changed to match at once; the other instances follow within their sync
 * interval ({@link StoreSync} reads the set's version with the certificates'). All names are
 * grouped together as configuration groups them, so a name and its wildcard share a certificate
 * whichever way each arrived. One order per certificate across the site comes from the
 * certificate's lease, as for configured names.
 *
 * <p>An unmanaged certificate is no longer renewed or served anywhere, but its files stay in the
 * store until they expire (managing it again meanwhile serves them with no order); then the sync
 * job of one instance deletes them ({@link #tidy}).
 */
public final class ManagedSet implements StoreSync.FollowedSet {
    private static final Logger LOG = LoggerFactory.getLogger(ManagedSet.class);
    /** How long a change waits for the set's lease, which is only ever held for a read and a write. */
    static final Duration LEASE_WAIT = Duration.ofSeconds(10);

    /** Makes the certificate of one group of names (its strategy chosen as for configured names). */
    @FunctionalInterface
    public interface Maker {
        /** @throws ConfigurationException when no allowed strategy can validate one of the names */
        ManagedCertificate make(List<String> names, Function<String, CertificateStatus.Origin> origin);
    }

    private final Set<String> configured;
    private final ManagedNamesFile file;
    private final CertificateFiles files;
    private final CertificateManager manager;
    private final Maker maker;
    /** How the names group into certificates, and what makes the manager's certificates match them. */
    private final ManagedGroups grouping;
    private final Clock clock;
    private final ManageWaits waits;
    private final RetiredCertificates retiredFiles;
    /** The set as last read or written, with its names obtained on demand as a set; replaced whole, read without locks. */
    private volatile Applied applied = Applied.of(ManagedNames.NONE);

    /**
     * A set and the names of it obtained on demand, looked up on the handshake path for every name without a CA
     * certificate: a hash set, not a scan of the list.
     */
    private record Applied(ManagedNames set, Set<String> onDemand) {
        static Applied of(ManagedNames set) {
            return new Applied(set, set.onDemand().stream().map(ManagedNames.OnDemand::name).collect(Collectors.toUnmodifiableSet()));
        }
    }

    public ManagedSet(List<String> configured, ManagedNamesFile file, CertificateFiles files, CertificateManager manager,
                      Maker maker, Clock clock, Function<ManagedCertificate, CertificateStatus> status) {
        this.configured = Set.copyOf(configured);
        this.file = file;
        this.files = files;
        this.retiredFiles = new RetiredCertificates(files, manager, clock);
        this.manager = manager;
        this.maker = maker;
        this.grouping = new ManagedGroups(List.copyOf(configured), manager, maker, this::origin);
        this.clock = clock;
        this.waits = new ManageWaits(status);
        manager.watch(waits);
        manager.sync().follow(this);
    }

    /** Every managed name: the configured ones first, then those managed at run time. */
    public Set<String> names() {
        Set<String> all = new LinkedHashSet<>();
        manager.certificates().forEach(certificate -> all.addAll(certificate.names));
        return Collections.unmodifiableSet(all);
    }

    /** The set as last read from or written to the store. */
    public ManagedNames stored() {
        return applied.set();
    }

    /**
     * Reads the set from the store and manages what it names (at start, before anything is served).
     * When the store cannot be read the configured names are managed alone, and the sync adds the
     * others once it answers.
     */
    public void load() {
        try {
            apply(file.load());
        } catch (IOException e) {
            LOG.warn("Could not read the names managed at run time from the store ({}); managing the configured names and "
                    + "looking again every sync interval.", e.getMessage());
        }
    }

    /**
     * Manages {@code names} (canonical) from now on on every instance: written to the store, then
     * their certificates are served here (what the store holds, or a temporary one until the CA's).
     * The stage completes as {@link ManageWaits} says; it fails at once with a {@link StorageException}
     * when the store could not be written (then nothing changed).
     *
     * @throws ConfigurationException when no allowed strategy can validate one of the names (nothing changed)
     */
    public CompletionStage<List<CertificateStatus>> manage(Collection<String> names) {
        Set<String> asked = new LinkedHashSet<>(names);
        Set<String> added = new LinkedHashSet<>(asked);
        added.removeAll(configured);
        List<List<String>> groups = grouping.of(applied.set().names(), added);
        for (List<String> group : groups) { // refuse before anything is written
            if (group.stream().anyMatch(added::contains) && !grouping.present(group)) {
                maker.make(group, this::origin);
            }
        }
        List<String> firstNames = groups.stream().filter(g -> g.stream().anyMatch(asked::contains)).map(g -> g.get(0)).toList();
        try {
            apply(file.update(set -> set.with(added, firstNames), LEASE_WAIT));
        } catch (IOException e) {
            return CompletableFuture.failedStage(new StorageException("could not add " + String.join(", ", added)
                    + " to the names managed in " + file.versionKey(), e));
        }
        return waits.await(asked, manager.certificates(), file.versionKey());
    }

    /**
     * Stops managing {@code names} (canonical) on every instance: written to the store, then no
     * longer renewed or served here. Names not managed are ignored.
     *
     * @throws ConfigurationException naming the configured ones, when some come from {@code autotls.domains} (nothing changed)
     * @throws StorageException       when the store could not be written (nothing changed)
     */
    public void unmanage(Collection<String> names) throws StorageException {
        List<String> fixed = names.stream().filter(configured::contains).toList();
        if (!fixed.isEmpty()) {
            throw new ConfigurationException(String.join(", ", fixed) + (fixed.size() == 1 ? " is" : " are") + " in "
                    + Setting.DOMAINS.key() + ", and configured names are always managed; remove "
                    + (fixed.size() == 1 ? "it" : "them") + " from " + Setting.DOMAINS.key() + " on every instance and restart");
        }
        Set<String> removed = new HashSet<>(names);
        try {
            applyRetiring(file.update(set -> without(set, removed), LEASE_WAIT));
        } catch (IOException e) {
            throw new StorageException("could not remove " + String.join(", ", names) + " from the names managed in "
                    + file.versionKey(), e);
        }
    }

    /** {@code set} without {@code removed}, the certificates that leaves without names retired until what is served expires. */
    private ManagedNames without(ManagedNames set, Set<String> removed) {
        return retiredFiles.without(set, removed, grouping::firstNames);
    }

    /**
     * Of {@code names}, those the store's set marks as obtained on demand now: read afresh (under the
     * certificate's lease, before its renewal asks the permission check), since another instance may
     * have managed one explicitly since this one last looked. What it read is applied here too.
     *
     * @throws IOException when the store could not be read
     */
    public List<String> onDemandNow(Collection<String> names) throws IOException {
        ManagedNames fresh = file.load();
        applyIfNotOlder(fresh); // read without the set's lease: a change written meanwhile must not be undone
        return names.stream().filter(fresh::isOnDemand).toList();
    }

    /**
     * Unmanages those of {@code names} that are still obtained on demand when the set is read under its
     * lease (one managed explicitly meanwhile stays); those it unmanaged.
     *
     * @throws StorageException when the store could not be written (nothing changed)
     */
    public List<String> unmanageOnDemand(Collection<String> names) throws StorageException {
        List<String> dropped = new ArrayList<>();
        try {
            applyRetiring(file.update(set -> {
                dropped.clear(); // the change may run again if the store is read again
                names.stream().filter(set::isOnDemand).forEach(dropped::add);
                return dropped.isEmpty() ? set : without(set, new HashSet<>(dropped));
            }, LEASE_WAIT));
        } catch (IOException e) {
            throw new StorageException("could not remove " + String.join(", ", names) + " from the names managed in "
                    + file.versionKey(), e);
        }
        return List.copyOf(dropped);
    }

    @Override
    public String versionKey() {
        return file.versionKey();
    }

    /** Applies {@code set}, written here to retire certificates; the next looks of those it retired are forgotten. */
    private void applyRetiring(ManagedNames set) {
        Set<String> before = manager.certificates().stream().map(ManagedCertificate::firstName).collect(Collectors.toSet());
        apply(set);
        Set<String> after = manager.certificates().stream().map(ManagedCertificate::firstName).collect(Collectors.toSet());
        retiredFiles.forgetLooks(set, before, after);
    }

    /**
     * Reads the set again (its version in the store changed). A version lower than the one applied here is
     * either a look that raced a change (read again, it shows the change) or a record that really went back
     * (a store restored from a backup, the record deleted): then what it holds now is what is managed.
     */
    @Override
    public void changed() throws IOException {
        ManagedNames read = file.load();
        ManagedNames before = applied.set();
        if (read.version() < before.version()) {
            read = file.load();
            if (read.version() < before.version()) {
                grouping.sayOnce("reset to " + read.version(), "The names managed at run time in {} went back from version {} to {} "
                        + "(a store restored from a backup, or the record deleted); managing what it holds now.",
                        file.versionKey(), before.version(), read.version());
            }
        }
        apply(read);
    }

    /** {@link #apply} unless a later version was applied already (for a read made without the set's lease). */
    private synchronized void applyIfNotOlder(ManagedNames set) {
        if (set.version() >= applied.set().version()) {
            apply(set);
        }
    }

    /**
     * Makes this instance's certificates match {@code set} and the configured names: a certificate
     * whose group of names is gone or changed is removed, a new group is added. One change at a time.
     * Applied whatever its version: a record read under the set's lease is the store's truth even when
     * its version is lower than the last one seen (the record was restored or deleted meanwhile).
     */
    private synchronized void apply(ManagedNames set) {
        applied = Applied.of(set);
        grouping.match(set.names(), file.versionKey());
    }

    /**
     * Deletes the files of retired certificates whose time has come, on the one instance that gets
     * the set's lease: under each certificate's lease, only once what is stored has expired (an order
     * that was running when it was unmanaged may have stored a later one: its time is moved), and
     * never while this instance manages it again.
     */
    @Override
    public void tidy() {
        Instant now = clock.instant();
        if (applied.set().retired().stream().noneMatch(r -> !r.until().isAfter(now))) {
            return;
        }
        try {
            file.tryUpdate(set -> {
                ManagedNames tidied = set;
                Set<String> managedNow = grouping.firstNames(set.names()); // as read under the lease
                for (ManagedNames.Retired retired : set.retired()) {
                    if (!retired.until().isAfter(now)) {
                        tidied = tidied.retiredAs(retired.firstName(), retiredFiles.deleteIfExpired(retired, now, managedNow));
                    }
                }
                return tidied;
            }).ifPresent(this::apply);
        } catch (IOException e) {
            LOG.debug("could not tidy the retired certificates: {}", e.toString());
        }
    }

    /** Where {@code name} came from as this instance sees it. */
    public CertificateStatus.Origin origin(String name) {
        if (configured.contains(name)) {
            return CertificateStatus.Origin.CONFIGURED;
        }
        return applied.onDemand().contains(name) ? CertificateStatus.Origin.ON_DEMAND : CertificateStatus.Origin.MANAGED;
    }

    /** Whether {@code name} is managed because a handshake asked for it on demand (as last read or written). */
    public boolean isOnDemand(String name) {
        return applied.onDemand().contains(name);
    }

    /**
     * What one {@link #admitOnDemand} did.
     *
     * @param admitted names this call made managed (each to be ordered once, site-wide)
     * @param unusable names that cannot be obtained on demand, each with the sentence why (nothing written for them)
     * @param nextSlot when the site's on-demand order limit lets the next name in, if some were left waiting for it
     */
    public record Admission(List<String> admitted, Map<String, String> unusable, Optional<Instant> nextSlot) {
    }

    /**
     * Manages, as names obtained on demand, as many of {@code candidates} (canonical, allowed by the
     * permission check) as the site's {@code limit} lets in now: the times of earlier admissions are
     * read from the store under the set's lease, so every instance sharing it counts against one
     * limit. A candidate managed already (another instance was quicker) is left as it is; one no
     * strategy can validate, or that is the base name of a managed wildcard (whose certificate it
     * would join), is refused with a sentence. The rest wait for {@link Admission#nextSlot}.
     *
     * @throws IOException when the store could not be read or written (nothing changed)
     */
    public Admission admitOnDemand(Collection<String> candidates, RateLimit limit) throws IOException {
        return admitOnDemand(candidates, limit, Integer.MAX_VALUE);
    }

    /**
     * {@link #admitOnDemand(Collection, RateLimit)}, admitting none beyond {@code maxNames} names obtained on demand
     * in the whole set ({@code autotls.on-demand.max-names}): those are refused with the sentence saying so.
     */
    public Admission admitOnDemand(Collection<String> candidates, RateLimit limit, int maxNames) throws IOException {
        Map<String, String> unusable = new LinkedHashMap<>();
        List<String> usable = OnDemandAdmission.usable(candidates, configured, applied.set(), maker, unusable);
        if (usable.isEmpty()) {
            return new Admission(List.of(), unusable, Optional.empty());
        }
        Instant now = clock.instant();
        OnDemandAdmission[] result = new OnDemandAdmission[1];
        ManagedNames after = file.update(set -> { // may run again if the store is read again: the last run counts
            result[0] = OnDemandAdmission.of(set, usable, limit, maxNames, now);
            return result[0].after();
        }, LEASE_WAIT);
        List<String> admitted = result[0].admitted();
        List<String> full = result[0].full();
        apply(after);
        for (String name : full) {
            unusable.put(name, "the site manages " + maxNames + " names obtained on demand already ("
                    + Setting.ON_DEMAND_MAX_NAMES.key() + "); unmanage some, or raise it");
        }
        if (!admitted.isEmpty()) {
            LOG.info("Obtaining on demand: {}.", String.join(", ", admitted));
        }
        return new Admission(admitted, unusable, result[0].nextSlot());
    }
}
