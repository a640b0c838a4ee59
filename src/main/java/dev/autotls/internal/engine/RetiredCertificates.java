package dev.autotls.internal.engine;

import dev.autotls.internal.store.CertificateFiles;
import dev.autotls.internal.store.CorruptDataException;
import dev.autotls.internal.store.ManagedNames;
import dev.autotls.internal.store.StoredCertificate;
import dev.autotls.spi.Lease;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of certificates no longer managed: they stay in the store until what is stored has
 * expired (managing the names again meanwhile serves them with no order), then one instance
 * deletes them. {@link ManagedSet#tidy} decides when to look; this decides, per certificate and
 * under its lease, whether the time has come.
 */
final class RetiredCertificates {
    private static final Logger LOG = LoggerFactory.getLogger(RetiredCertificates.class);

    private final CertificateFiles files;
    private final CertificateManager manager;
    private final Clock clock;

    RetiredCertificates(CertificateFiles files, CertificateManager manager, Clock clock) {
        this.files = files;
        this.manager = manager;
        this.clock = clock;
    }

    /**
     * {@code set} without {@code removed}: each certificate left without names is retired until what
     * this instance serves for it expires. {@code firstNamesOf} groups names as configuration does and
     * gives each certificate's first name.
     */
    ManagedNames without(ManagedNames set, Set<String> removed, Function<Collection<String>, Set<String>> firstNamesOf) {
        Set<String> before = firstNamesOf.apply(set.names());
        Set<String> after = firstNamesOf.apply(set.names().stream().filter(n -> !removed.contains(n)).toList());
        List<ManagedNames.Retired> retired = new ArrayList<>();
        for (String firstName : before) {
            if (!after.contains(firstName)) {
                retired.add(new ManagedNames.Retired(firstName, servedUntil(firstName)));
            }
        }
        return set.without(removed, retired);
    }

    /**
     * Forgets the next looks kept for the certificates {@code set} retired (managed {@code before} it was
     * applied, not {@code after}): their files stay until they expire, but no instance is to plan looks at
     * them, and a look left behind would sort first in every planner's poll once overdue. A failure is
     * said at debug: deleting the files later deletes the look too.
     */
    void forgetLooks(ManagedNames set, Set<String> before, Set<String> after) {
        for (ManagedNames.Retired retired : set.retired()) {
            String firstName = retired.firstName();
            if (before.contains(firstName) && !after.contains(firstName)) {
                try {
                    files.store().deleteNextLook(files.folder(firstName));
                } catch (IOException | RuntimeException e) {
                    LOG.debug("could not forget the next look of the retired certificate {}: {}", firstName, e.toString());
                }
            }
        }
    }

    /** When what this instance serves for the certificate {@code firstName} expires; now when it serves none of the CA's. */
    private Instant servedUntil(String firstName) {
        return manager.certificate(firstName).map(c -> c.state().current()).map(CertificateFacts::notAfter)
                .orElse(clock.instant());
    }

    /**
     * The entry to keep for {@code retired}: null once its files are gone (or it is managed again), else with a later time.
     *
     * @param managedNow the first names of the certificates the set read under its lease manages: the site's view, not
     *                   this instance's, which may not have seen another instance manage the name again
     */
    ManagedNames.Retired deleteIfExpired(ManagedNames.Retired retired, Instant now, Set<String> managedNow) {
        if (managedNow.contains(retired.firstName())) {
            return null; // managed again meanwhile: its files are in use
        }
        try {
            Optional<Lease> lease = files.store().locker().tryAcquire(files.lockName(retired.firstName()));
            if (lease.isEmpty()) {
                return retired; // someone works on it: the next look
            }
            try (Lease held = lease.get()) {
                Optional<StoredCertificate> stored;
                try {
                    stored = files.load(retired.firstName());
                } catch (CorruptDataException unusable) {
                    stored = Optional.empty(); // half-deleted or broken: delete what is left
                }
                if (stored.isPresent() && stored.get().notAfter().isAfter(now)) {
                    return new ManagedNames.Retired(retired.firstName(), stored.get().notAfter());
                }
                files.delete(retired.firstName());
                LOG.info("Deleted the expired certificate of {} from the store: it is no longer managed.", retired.firstName());
                return null;
            }
        } catch (IOException e) {
            LOG.debug("could not delete the retired certificate {}: {}", retired.firstName(), e.toString());
            return retired;
        }
    }
}
