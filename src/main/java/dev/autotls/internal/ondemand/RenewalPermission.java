package dev.autotls.internal.ondemand;

import dev.autotls.internal.engine.CertificateManager;
import dev.autotls.internal.engine.ManagedCertificate;
import dev.autotls.internal.engine.ManagedSet;
import dev.autotls.spi.StorageException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before a certificate of names obtained on demand is ordered again, asks their permission check
 * once more: a refusal unmanages them on every instance (they are no longer renewed or served), a
 * yes renews. No answer renews too (said in the log): an endpoint that is down for a while must
 * not take every customer's certificate with it. A yes cached minutes ago (the first order, a
 * retry) stands without asking.
 */
final class RenewalPermission implements CertificateManager.OrderPermission {
    private static final Logger LOG = LoggerFactory.getLogger(RenewalPermission.class);

    private final PermissionChecks checks;
    private final ManagedSet set;
    private final Duration bound;

    RenewalPermission(PermissionChecks checks, ManagedSet set, Duration bound) {
        this.checks = checks;
        this.set = set;
        this.bound = bound;
    }

    @Override
    public boolean mayOrder(ManagedCertificate certificate) throws StorageException, InterruptedException {
        List<String> onDemand;
        try {
            onDemand = set.onDemandNow(certificate.names); // read again: another instance may have managed it explicitly
        } catch (IOException e) {
            throw new StorageException("could not read the managed names before renewing " + certificate, e);
        }
        for (String name : onDemand) {
            PermissionAnswer answer = checks.forRenewal(name, bound);
            if (answer == PermissionAnswer.NO) {
                List<String> dropped = set.unmanageOnDemand(onDemand); // only those still on demand under the set's lease
                if (dropped.isEmpty()) {
                    return true; // managed explicitly meanwhile: renewed as any managed name
                }
                LOG.info("No longer managing {}, obtained on demand: the permission check ({}) refused it before renewal.",
                        String.join(", ", dropped), checks);
                return false;
            }
            if (answer == PermissionAnswer.NO_ANSWER) {
                LOG.warn("The permission check ({}) gave no answer for {} before its renewal; renewing it and asking again next time.",
                        checks, name);
            }
        }
        return true;
    }
}
