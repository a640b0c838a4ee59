package dev.autotls.internal;

import dev.autotls.AutoTls;
import dev.autotls.AutoTlsListener;
import dev.autotls.OnDemandPermission;
import dev.autotls.Setting;
import dev.autotls.internal.config.AutoTlsConfig;
import dev.autotls.internal.config.SettingSources;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.Scheduler;
import dev.autotls.spi.TxtPublisher;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an {@link AutoTls.Builder} collected, and the build itself: the settings resolved from every
 * source and the {@link Assembly} wired from them. The public builder only delegates here, so its
 * class stays the list of what an application may set.
 */
public final class BuilderSettings {
    private static final Logger LOG = LoggerFactory.getLogger(AutoTls.class); // said as the application's AutoTls

    private final Map<Setting, String> values = new EnumMap<>(Setting.class);
    private final Map<Setting, String> commandLine = new EnumMap<>(Setting.class);
    /** Set by {@link #commandLine}: errors then tell of a setting nobody gave as the option to add. */
    private boolean fromCommandLine;
    private final List<AutoTlsListener> listeners = new ArrayList<>();
    private boolean readSystemSettings = true;
    private Clock clock = Clock.systemUTC();
    private Scheduler scheduler;
    private CertificateStore store;
    private Object meterRegistry;
    private TxtPublisher dnsPublisher;
    private OnDemandPermission onDemand;

    public void set(Setting setting, String value) {
        values.put(Objects.requireNonNull(setting, "setting"), Objects.requireNonNull(value, "value"));
    }

    public void commandLine(Map<Setting, String> given) {
        commandLine.putAll(given);
        fromCommandLine = true;
    }

    public void ignoreSystemSettings() {
        readSystemSettings = false;
    }

    public void store(CertificateStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** A Micrometer {@code MeterRegistry}, kept as an Object so this class loads without Micrometer. */
    public void meterRegistry(Object registry) {
        this.meterRegistry = Objects.requireNonNull(registry, "registry");
    }

    public void listener(AutoTlsListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void scheduler(Scheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    public void dnsPublisher(TxtPublisher publisher) {
        this.dnsPublisher = Objects.requireNonNull(publisher, "publisher");
    }

    /** The check in code; also turns {@code autotls.on-demand} on (a setting given outside the code still wins). */
    public void onDemand(OnDemandPermission permission) {
        this.onDemand = Objects.requireNonNull(permission, "permission");
        set(Setting.ON_DEMAND, "true");
    }

    /**
     * Resolves the settings (command line, then system properties and environment unless ignored, then what was set
     * in code) and wires the parts; may be called again for another instance with the same settings.
     *
     * @throws dev.autotls.ConfigurationException naming the setting, the value and what is allowed
     */
    public Assembly assemble() {
        SettingSources sources = readSystemSettings
                ? new SettingSources(commandLine, fromCommandLine, System::getProperty, System::getenv, values)
                : new SettingSources(commandLine, fromCommandLine, key -> null, key -> null, values);
        if (readSystemSettings) {
            for (String unknown : SettingSources.unknownNames(System.getProperties().stringPropertyNames(),
                    System.getenv().keySet())) {
                LOG.warn("Ignoring the unknown setting {}.", unknown);
            }
        }
        AutoTlsConfig config = AutoTlsConfig.resolve(sources);
        return Assembly.assemble(config, new Injections(store, clock, scheduler, meterRegistry, listeners, dnsPublisher, onDemand));
    }
}
