package dev.autotls.internal.ops;

import dev.autotls.AutoTlsListener;
import dev.autotls.CertificateEvent;
import dev.autotls.FailureEvent;
import dev.autotls.spi.OwnerActionException;
import dev.autotls.spi.StorageException;
import dev.autotls.spi.TransientException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what maintenance did, for {@code /metrics}: certificates issued (first ones and
 * renewals) and failures by cause. A listener like any other, so counting stays out of the
 * maintenance code.
 */
public final class OperationCounters implements AutoTlsListener {
    /** A failure's cause as a bounded label: the error kind, never a message. */
    static String cause(Throwable error) {
        if (error instanceof OwnerActionException) {
            return "owner_action";
        }
        if (error instanceof StorageException) {
            return "storage";
        }
        if (error instanceof TransientException) {
            return ((TransientException) error).caWide() ? "ca_unavailable" : "transient";
        }
        return "other";
    }

    final AtomicLong obtained = new AtomicLong();
    final AtomicLong renewed = new AtomicLong();
    final AtomicLong orderMillis = new AtomicLong();
    final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();

    @Override
    public void onObtained(CertificateEvent event) {
        obtained.incrementAndGet();
        orderMillis.addAndGet(event.took().toMillis());
    }

    @Override
    public void onRenewed(CertificateEvent event) {
        renewed.incrementAndGet();
        orderMillis.addAndGet(event.took().toMillis());
    }

    @Override
    public void onFailed(FailureEvent event) {
        failures.computeIfAbsent(cause(event.cause()), key -> new AtomicLong()).incrementAndGet();
    }
}
