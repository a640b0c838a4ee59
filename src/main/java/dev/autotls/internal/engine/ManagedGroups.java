package dev.autotls.internal.engine;

import dev.autotls.CertificateStatus;
import dev.autotls.ConfigurationException;
import dev.autotls.internal.config.DomainNames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a {@link ManagedSet}'s names group into certificates (the configured names first, as
 * configuration groups them), and the change that makes the manager's certificates exactly those
 * groups. Kept apart so that the set reads as what is written to the store and when; this is what
 * an applied set does to this instance.
 */
final class ManagedGroups {
    /** Under the set's name: operators read and filter these lines as the managed set's. */
    private static final Logger LOG = LoggerFactory.getLogger(ManagedSet.class);
    /** Up to how many certificates managed at once are named one log line each. */
    private static final int SAID_ONE_BY_ONE = 20;

    /** The configured names, in configuration order (the order grouping keeps). */
    private final List<String> configuredInOrder;
    private final CertificateManager manager;
    private final ManagedSet.Maker maker;
    /** Where each name came from, as the set last applied says. */
    private final Function<String, CertificateStatus.Origin> origin;
    /** Names from the store this instance cannot manage (said once each), so each look does not say it again. */
    private final Set<String> refusedFromStore = new HashSet<>();

    ManagedGroups(List<String> configuredInOrder, CertificateManager manager, ManagedSet.Maker maker,
                  Function<String, CertificateStatus.Origin> origin) {
        this.configuredInOrder = configuredInOrder;
        this.manager = manager;
        this.maker = maker;
        this.origin = origin;
    }

    /**
     * Makes the manager's certificates the groups of {@code names} (those that are valid names; the set in
     * {@code versionKey} named them) and the configured names: a certificate whose group of names is gone or
     * changed is removed, a new group is added. The caller holds the set's lock: one change at a time.
     */
    void match(Collection<String> names, String versionKey) {
        List<String> usable = new ArrayList<>();
        for (String name : names) {
            try {
                usable.add(DomainNames.canonical(name));
            } catch (IllegalArgumentException e) {
                sayOnce(name, "Not managing {} from {}: {}", name, versionKey, e.getMessage());
            }
        }
        List<List<String>> wanted = of(usable, List.of());
        Map<String, List<String>> byFirstName = wanted.stream().collect(Collectors.toMap(g -> g.get(0), g -> g));
        for (ManagedCertificate certificate : manager.certificates()) {
            if (!certificate.names.equals(byFirstName.get(certificate.firstName()))) {
                manager.remove(certificate.firstName());
                LOG.info("No longer managing {}.", certificate);
            } else if (!certificate.origins.equals(origins(certificate.names))) {
                // a name obtained on demand and now managed explicitly (or the reverse): made again, so its origin
                // and its validation follow; it serves what the store holds meanwhile, with no order
                manager.remove(certificate.firstName());
            }
        }
        List<ManagedCertificate> added = new ArrayList<>();
        for (List<String> group : wanted) {
            if (present(group)) {
                continue;
            }
            try {
                added.add(maker.make(group, origin));
            } catch (ConfigurationException e) {
                sayOnce(group.get(0), "Not managing {}, which another instance added: {}", String.join(", ", group), e.getMessage());
            }
        }
        manager.addAll(added); // one swap of the manager's set: 100,000 names read at start are not 100,000 copies of it
        if (added.size() <= SAID_ONE_BY_ONE) {
            added.forEach(certificate -> LOG.info("Managing {} from now on.", certificate));
        } else {
            LOG.info("Managing {} more certificates from now on ({}, ...).", added.size(), added.get(0));
        }
    }

    boolean present(List<String> group) {
        return manager.certificate(group.get(0)).map(c -> c.names.equals(group)).orElse(false);
    }

    /** The groups, one certificate each, of the configured names, then {@code first}, then {@code more}. */
    List<List<String>> of(Collection<String> first, Collection<String> more) {
        return DomainNames.certificates(union(first, more));
    }

    /** The first names of the certificates that the configured names and {@code names} make. */
    Set<String> firstNames(Collection<String> names) {
        return of(names, List.of()).stream().map(g -> g.get(0)).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** The configured names, then {@code first}, then {@code more}: the order grouping keeps. */
    private List<String> union(Collection<String> first, Collection<String> more) {
        Set<String> all = new LinkedHashSet<>(configuredInOrder);
        all.addAll(first);
        all.addAll(more);
        return new ArrayList<>(all);
    }

    private Map<String, CertificateStatus.Origin> origins(List<String> names) {
        Map<String, CertificateStatus.Origin> origins = new LinkedHashMap<>();
        names.forEach(name -> origins.put(name, origin.apply(name)));
        return origins;
    }

    void sayOnce(String key, String format, Object... arguments) {
        synchronized (refusedFromStore) {
            if (!refusedFromStore.add(key)) {
                return;
            }
        }
        LOG.warn(format, arguments);
    }
}
