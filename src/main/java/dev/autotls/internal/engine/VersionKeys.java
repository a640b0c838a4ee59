package dev.autotls.internal.engine;

import dev.autotls.internal.store.CertificateFiles;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each managed certificate by the key whose version changes with every save of it, so a look
 * maps the changed keys the feed gives to certificates without going through all of them. Built
 * again only when the manager's list is another one (it swaps the list whole when a certificate
 * is added or removed). Not thread-safe: looks run one at a time.
 */
final class VersionKeys {
    private final CertificateFiles files;
    private List<ManagedCertificate> indexed;
    private Map<String, ManagedCertificate> byKey = Map.of();

    VersionKeys(CertificateFiles files) {
        this.files = files;
    }

    /** The index of {@code certificates}, the manager's current list. */
    Map<String, ManagedCertificate> of(List<ManagedCertificate> certificates) {
        if (certificates != indexed) {
            Map<String, ManagedCertificate> built = new HashMap<>(certificates.size() * 2);
            for (ManagedCertificate certificate : certificates) {
                built.put(files.versionKey(certificate.firstName()), certificate);
            }
            byKey = built;
            indexed = certificates;
        }
        return byKey;
    }
}
