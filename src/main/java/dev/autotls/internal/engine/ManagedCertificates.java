package dev.autotls.internal.engine;

import dev.autotls.internal.store.StorageKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The certificates under maintenance, in order, by first name and by folder name (the store's next
 * looks name those; for most names the same string as the first name, so the map costs only its
 * table): an immutable value the manager swaps whole, once per change however many certificates it
 * adds, so adding 100,000 names at once builds it once, not once per name.
 */
record ManagedCertificates(List<ManagedCertificate> list, Map<String, ManagedCertificate> byFirstName,
                           Map<String, ManagedCertificate> byFolderName) {

    static ManagedCertificates of(List<ManagedCertificate> certificates) {
        Map<String, ManagedCertificate> byFirstName = new HashMap<>();
        Map<String, ManagedCertificate> byFolderName = new HashMap<>();
        for (ManagedCertificate certificate : certificates) {
            byFirstName.put(certificate.firstName(), certificate);
            byFolderName.put(StorageKeys.certificateName(certificate.firstName()), certificate);
        }
        return new ManagedCertificates(List.copyOf(certificates), Map.copyOf(byFirstName), Map.copyOf(byFolderName));
    }

    /**
     * These and {@code added} after them.
     *
     * @throws IllegalArgumentException if one of {@code added} has the first name of a managed one, or of another added
     */
    ManagedCertificates with(List<ManagedCertificate> added) {
        Set<String> firstNames = new HashSet<>();
        for (ManagedCertificate certificate : added) {
            if (byFirstName.containsKey(certificate.firstName()) || !firstNames.add(certificate.firstName())) {
                throw new IllegalArgumentException(certificate.firstName() + " is managed already");
            }
        }
        List<ManagedCertificate> grown = new ArrayList<>(list);
        grown.addAll(added);
        return of(grown);
    }

    /** These without {@code removed}. */
    ManagedCertificates without(ManagedCertificate removed) {
        List<ManagedCertificate> kept = new ArrayList<>(list);
        kept.remove(removed);
        return of(kept);
    }
}
