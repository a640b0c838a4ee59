package dev.autotls.internal.ondemand;

import dev.autotls.internal.engine.CertificateWatcher;
import dev.autotls.internal.engine.ManagedCertificate;
import dev.autotls.internal.engine.ManagedSet;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.OwnerActionException;
import dev.autotls.spi.StorageException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unmanages a name obtained on demand whose first order ends in owner action: the permission check
 * allowed it, but the CA could not validate it (its DNS does not point at this server, a CAA record
 * forbids the CA). Kept, it would be tried again with back-off for ever and stay in the site's set and
 * its {@code autotls.on-demand.max-names}; unmanaged, the next handshake for it asks again (after the
 * cached yes expires) and, once the owner fixed it, it is obtained as any new name. A name that was
 * obtained once and fails at renewal stays managed: its certificate still serves.
 */
final class FirstOrderFailures implements CertificateWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(FirstOrderFailures.class);

    private final ManagedSet set;

    FirstOrderFailures(ManagedSet set) {
        this.set = set;
    }

    @Override
    public void looked(ManagedCertificate certificate, AutoTlsException failure) {
        if (!(failure instanceof OwnerActionException) || certificate.state().current() != null) {
            return;
        }
        List<String> onDemand = certificate.names.stream().filter(set::isOnDemand).toList();
        if (onDemand.isEmpty()) {
            return;
        }
        try {
            List<String> dropped = set.unmanageOnDemand(onDemand);
            if (!dropped.isEmpty()) {
                LOG.info("No longer managing {}, obtained on demand: its first order needs its owner to act ({}).",
                        String.join(", ", dropped), failure.getMessage());
            }
        } catch (StorageException e) {
            LOG.warn("Could not unmanage {}, obtained on demand, whose first order failed: {}; trying again after its next attempt.",
                    String.join(", ", onDemand), e.getMessage());
        }
    }
}
