package dev.autotls.internal.ops;

import dev.autotls.AutoTlsListener;
import dev.autotls.CertificateEvent;
import dev.autotls.CertificateStatus;
import dev.autotls.FailureEvent;
import dev.autotls.internal.ondemand.OnDemandCounters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import dev.autotls.internal.engine.CertificateManager;
import dev.autotls.internal.engine.CertificateWatcher;
import dev.autotls.internal.engine.ManagedCertificate;
import dev.autotls.internal.engine.pacing.OrderPacing;
import dev.autotls.internal.tls.CertificateCacheStats;
import io.micrometer.core.instrument.Meter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Publishes maintenance to a Micrometer registry the application already has: a gauge of the
 * expiry time per certificate (tagged with its first name only, so the tag set is bounded by
 * the managed names), registered when a certificate is managed and removed when it no longer is,
 * counters of certificates issued and of failures by cause, a timer of order duration, a gauge
 * of certificates needing owner action, the number of names by where they came from, and what the
 * cache of decoded certificates does (its size, hits and misses, failed and timed-out loads,
 * evictions). Loaded only when a registry is given, so Micrometer stays optional.
 */
public final class MicrometerBinding implements AutoTlsListener, CertificateWatcher {
    private final MeterRegistry registry;
    private final Function<String, Optional<CertificateStatus>> status;
    /** The gauges of each managed certificate by first name; changed on the thread that adds or removes it. */
    private final Map<String, List<Meter>> perCertificate = new ConcurrentHashMap<>();

    private MicrometerBinding(MeterRegistry registry, Function<String, Optional<CertificateStatus>> status) {
        this.registry = registry;
        this.status = status;
    }

    /**
     * Binds to {@code meterRegistry} the gauges of every certificate {@code manager} manages now
     * and from now on.
     *
     * @param status a certificate's status by its first name, empty once it is no longer managed
     * @param all    every certificate's status
     * @param onDemand what on demand counts, when it is on
     * @param cache    what the cache of decoded certificates counted so far
     */
    public static AutoTlsListener bind(Object meterRegistry, CertificateManager manager,
                                       Function<String, Optional<CertificateStatus>> status,
                                       Supplier<List<CertificateStatus>> all, Optional<OnDemandCounters> onDemand,
                                       Supplier<CertificateCacheStats> cache) {
        MicrometerBinding binding = new MicrometerBinding((MeterRegistry) meterRegistry, status);
        manager.watch(binding);
        for (ManagedCertificate certificate : manager.certificates()) {
            binding.added(certificate);
        }
        Gauge.builder("autotls.owner.action.needed", () -> all.get().stream().filter(CertificateStatus::ownerActionNeeded)
                .count()).description("Certificates waiting for their owner to act").register(binding.registry);
        for (CertificateStatus.Origin origin : CertificateStatus.Origin.values()) {
            Gauge.builder("autotls.names", () -> all.get().stream().flatMap(s -> s.origins().values().stream())
                            .filter(origin::equals).count())
                    .description("Managed names by where they came from").tag("origin", origin.name().toLowerCase(Locale.ROOT))
                    .register(binding.registry);
        }
        onDemand.ifPresent(counters -> bindOnDemand(binding.registry, counters));
        bindCache(binding.registry, cache);
        return binding;
    }

    /**
     * Per CA account's order queue (tagged with the CA's directory URL): the certificates waiting in it,
     * the new orders counted in its window site-wide, and the orders this instance let through (its
     * rate is the admitted rate).
     */
    public static void bindQueues(Object meterRegistry, List<OrderPacing.Account> accounts) {
        MeterRegistry registry = (MeterRegistry) meterRegistry;
        for (OrderPacing.Account account : accounts) {
            Gauge.builder("autotls.order.queue.length", account, OrderPacing.Account::waiting)
                    .description("Certificates waiting in the CA account's order queue").tag("ca", account.ca())
                    .register(registry);
            Gauge.builder("autotls.order.queue.window", account, OrderPacing.Account::inWindow)
                    .description("New orders counted in the CA account's limit window, across the site").tag("ca", account.ca())
                    .register(registry);
            FunctionCounter.builder("autotls.order.queue.admitted", account, OrderPacing.Account::admitted)
                    .description("New orders the queue let through on this instance").tag("ca", account.ca())
                    .register(registry);
        }
    }

    /** The cache of decoded certificates, named as Micrometer names its own cache meters ({@code cache.gets} and so on). */
    private static void bindCache(MeterRegistry registry, Supplier<CertificateCacheStats> cache) {
        Gauge.builder("autotls.cache.size", () -> cache.get().size())
                .description("Decoded certificates in memory for handshakes").register(registry);
        FunctionCounter.builder("autotls.cache.gets", cache, c -> c.get().hits()).tag("result", "hit")
                .description("Look-ups of certificates that memory answered").register(registry);
        FunctionCounter.builder("autotls.cache.gets", cache, c -> c.get().misses()).tag("result", "miss")
                .description("Look-ups of certificates read from the store").register(registry);
        FunctionCounter.builder("autotls.cache.load.failures", cache, c -> c.get().failures())
                .description("Reads of certificates for handshakes that failed").register(registry);
        FunctionCounter.builder("autotls.cache.load.timeouts", cache, c -> c.get().timeouts())
                .description("Handshakes that failed waiting for their certificate to be read").register(registry);
        FunctionCounter.builder("autotls.cache.evictions", cache, c -> c.get().evictions())
                .description("Decoded certificates dropped to keep the cache within autotls.cache.certificates")
                .register(registry);
    }

    /** The permission checks asked, the handshakes refused by reason, and those waiting now. */
    private static void bindOnDemand(MeterRegistry registry, OnDemandCounters counters) {
        FunctionCounter.builder("autotls.ondemand.checks", counters, OnDemandCounters::checksAsked)
                .description("Permission checks asked for names on demand").register(registry);
        for (String reason : counters.refusedByReason().keySet()) {
            FunctionCounter.builder("autotls.ondemand.refused", counters, c -> c.refused(reason))
                    .description("Handshakes for names not managed that got no certificate").tag("reason", reason)
                    .register(registry);
        }
        Gauge.builder("autotls.ondemand.waiting", counters, OnDemandCounters::waiting)
                .description("Handshakes waiting for a certificate on demand").register(registry);
    }

    @Override
    public void added(ManagedCertificate certificate) {
        String name = certificate.firstName();
        List<Meter> meters = List.of(
                Gauge.builder("autotls.certificate.expiration", () -> value(name, s -> s.notAfter().getEpochSecond()))
                        .description("When the served certificate expires (seconds since the epoch)").baseUnit("seconds")
                        .tag("name", name).register(registry),
                Gauge.builder("autotls.certificate.ready", () -> value(name,
                        s -> s.source() == CertificateStatus.Source.TEMPORARY ? 0 : 1)).tag("name", name).register(registry));
        perCertificate.put(name, meters);
    }

    @Override
    public void removed(ManagedCertificate certificate) {
        List<Meter> meters = perCertificate.remove(certificate.firstName());
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }

    /** The gauge's value now; NaN between a certificate's removal and its gauge's (a scrape in that moment). */
    private double value(String firstName, java.util.function.ToDoubleFunction<CertificateStatus> of) {
        return status.apply(firstName).map(of::applyAsDouble).orElse(Double.NaN);
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
