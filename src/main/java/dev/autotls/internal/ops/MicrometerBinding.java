package dev.autotls.internal.ops;

import dev.autotls.AutoTlsListener;
import dev.autotls.CertificateEvent;
import dev.autotls.CertificateStatus;
import dev.autotls.FailureEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.function.Supplier;

/**
 * Publishes maintenance to a Micrometer registry the application already has: a gauge of the
 * expiry time per certificate (tagged with its first name only, so the tag set is bounded by
 * the configuration), counters of certificates issued and of failures by cause, a timer of
 * order duration, and a gauge of certificates needing owner action. Loaded only when a
 * registry is given, so Micrometer stays optional.
 */
public final class MicrometerBinding implements AutoTlsListener {
    private final MeterRegistry registry;

    private MicrometerBinding(MeterRegistry registry) {
        this.registry = registry;
    }

    public static AutoTlsListener bind(Object meterRegistry, Supplier<List<CertificateStatus>> status, int certificates) {
        MeterRegistry registry = (MeterRegistry) meterRegistry;
        for (int i = 0; i < certificates; i++) {
            int index = i;
            String name = status.get().get(i).names().get(0);
            Gauge.builder("autotls.certificate.expiration", () -> status.get().get(index).notAfter().getEpochSecond())
                    .description("When the served certificate expires (seconds since the epoch)").baseUnit("seconds")
                    .tag("name", name).register(registry);
            Gauge.builder("autotls.certificate.ready", () -> status.get().get(index).source()
                    == CertificateStatus.Source.TEMPORARY ? 0 : 1).tag("name", name).register(registry);
        }
        Gauge.builder("autotls.owner.action.needed", () -> status.get().stream().filter(CertificateStatus::ownerActionNeeded)
                .count()).description("Certificates waiting for their owner to act").register(registry);
        return new MicrometerBinding(registry);
    }

    @Override
    public void onObtained(CertificateEvent event) {
        issued("first", event);
    }

    @Override
    public void onRenewed(CertificateEvent event) {
        issued("renewal", event);
    }

    private void issued(String kind, CertificateEvent event) {
        Counter.builder("autotls.orders").tag("kind", kind).register(registry).increment();
        Timer.builder("autotls.order.duration").register(registry).record(event.took());
    }

    @Override
    public void onFailed(FailureEvent event) {
        Counter.builder("autotls.failures").tag("cause", OperationCounters.cause(event.cause())).register(registry).increment();
    }
}
