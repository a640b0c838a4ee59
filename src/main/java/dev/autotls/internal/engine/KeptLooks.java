package dev.autotls.internal.engine;

import dev.autotls.internal.store.CertificateFiles;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.CertificateStore.NextLook;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The next looks kept in the store for one engine's certificates (the folder of its certificates,
 * {@link CertificateFiles#certificatesFolder()}), as the {@link LookPlanner} reads and writes them:
 * each named by the certificate it belongs to, those of certificates not managed left out. A
 * store that fails is answered as "nothing": said at debug (a failure of the store's code at warn),
 * never thrown, since a look that could not be read or saved is tried again later. Holds no state.
 */
final class KeptLooks {
    private static final Logger LOG = LoggerFactory.getLogger(LookPlanner.class);
    /** The bound of a read of every look: after any look, and a time every database can hold. */
    static final Instant ALL = Instant.parse("9999-01-01T00:00:00Z");

    private final CertificateStore store;
    private final CertificateFiles files;
    /** The managed certificate whose folder name ({@link StorageKeys#certificateName}) is given, or null. */
    private final Function<String, ManagedCertificate> byFolderName;
    /** The certificates' folder and a slash: what every folder key kept below it starts with. */
    private final String parent;

    KeptLooks(CertificateStore store, CertificateFiles files, Function<String, ManagedCertificate> byFolderName) {
        this.store = store;
        this.files = files;
        this.byFolderName = byFolderName;
        this.parent = files.certificatesFolder() + "/";
    }

    /** Every look kept for a managed certificate; null when the store cannot answer. */
    Map<ManagedCertificate, NextLook> all() {
        List<NextLook> looks = due(ALL, Integer.MAX_VALUE);
        if (looks == null) {
            return null;
        }
        Map<ManagedCertificate, NextLook> kept = new HashMap<>();
        for (NextLook look : looks) {
            ManagedCertificate certificate = of(look);
            if (certificate != null) {
                kept.put(certificate, look);
            }
        }
        return kept;
    }

    /** The looks before {@code before}, soonest first, at most {@code limit}, of any certificate; null when the store cannot answer. */
    List<NextLook> due(Instant before, int limit) {
        try {
            return store.nextLooks(files.certificatesFolder(), before, limit);
        } catch (IOException e) {
            LOG.debug("could not read the next looks kept in the store: {}", e.toString());
        } catch (RuntimeException e) {
            LOG.warn("Reading the next looks kept in {} failed ({}); reading them again later.", store.describe(), e.toString());
        }
        return null;
    }

    /** The managed certificate {@code look} belongs to, or null. */
    ManagedCertificate of(NextLook look) {
        String key = look.folderKey();
        return key.startsWith(parent) ? byFolderName.apply(key.substring(parent.length())) : null;
    }

    boolean isManaged(ManagedCertificate certificate) {
        return byFolderName.apply(StorageKeys.certificateName(certificate.firstName())) == certificate;
    }

    /** Keeps {@code at} as {@code certificate}'s next look, with its expiry; false (said at debug) if the store could not. */
    boolean save(ManagedCertificate certificate, Instant at) {
        CertificateFacts current = certificate.state().current();
        Instant expires = current == null ? Instant.MAX : current.notAfter();
        try {
            store.saveNextLook(new NextLook(files.folder(certificate.firstName()), at, expires));
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not keep the next look at {} for {} in the store (kept in memory, saved again after its next look): {}",
                    at, certificate, e.toString());
            return false;
        }
    }
}
