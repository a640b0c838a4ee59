package dev.autotls.internal.ondemand;

import dev.autotls.OnDemandPermission;
import dev.autotls.internal.config.OnDemandConfig;
import dev.autotls.internal.engine.CertificateManager;
import dev.autotls.internal.engine.Listeners;
import dev.autotls.internal.engine.ManagedSet;
import dev.autotls.internal.engine.RepeatingTask;
import dev.autotls.internal.tls.CertificateRegistry;
import dev.autotls.internal.tls.HandshakeWait;
import dev.autotls.spi.Scheduler;
import java.time.Clock;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On demand, wired: the permission check, the handshakes' wait, the admissions at the order limit,
 * the store poll while handshakes wait, and the check again before renewals. Made by the
 * composition root when {@code autotls.on-demand} is true; started and stopped with maintenance.
 */
public final class OnDemand {
    private static final Logger LOG = LoggerFactory.getLogger(OnDemand.class);

    private final OnDemandCounters counters = new OnDemandCounters();
    private final Waits waits;
    private final Admissions admissions;
    private final OnDemandHandshakes handshakes;
    private final RepeatingTask storePoll;
    private final String checkedBy;

    private OnDemand(OnDemandConfig config, PermissionSource source, ManagedSet set, CertificateManager manager,
                     CertificateRegistry registry, Clock clock, Listeners listeners) {
        PermissionChecks checks = new PermissionChecks(source, config.checksPerClient(), clock, counters, listeners);
        this.waits = new Waits(registry, manager);
        manager.watch(waits);
        this.admissions = new Admissions(set, config.orderLimit(), config.maxNames(), clock, waits::fail);
        this.handshakes = new OnDemandHandshakes(checks, set, manager, waits, admissions, counters, config.waitFor(),
                config.waiting(), config.maxNames());
        manager.watch(new FirstOrderFailures(set));
        manager.askBeforeOrdering(new RenewalPermission(checks, set, config.waitFor()));
        this.storePoll = new RepeatingTask(waits::lookInStore, Waits.POLL, clock, LOG,
                "Looking in the store for certificates that handshakes wait for failed");
        this.checkedBy = source.toString();
    }

    /**
     * @param inCode the check given in code, or null: then {@code config.ask()}, which start-up checks made sure is set
     */
    public static OnDemand wire(OnDemandConfig config, OnDemandPermission inCode, ManagedSet set, CertificateManager manager,
                                CertificateRegistry registry, Clock clock, Listeners listeners) {
        PermissionSource source = inCode != null ? new CodePermission(inCode, config.waitFor())
                : new AskEndpoint(config.ask().orElseThrow());
        return new OnDemand(config, source, set, manager, registry, clock, listeners);
    }

    /** What the key manager asks for names without a CA-issued certificate. */
    public HandshakeWait handshakes() {
        return handshakes;
    }

    public OnDemandCounters counters() {
        return counters;
    }

    /** @param workers the order workers, where admissions run (they read and write the store under a lease) */
    public void start(Scheduler scheduler, Executor workers) {
        admissions.start(scheduler, workers);
        storePoll.start(scheduler);
        LOG.info("On demand: a handshake for a name not managed obtains its certificate once {} allows it.", checkedBy);
    }

    public void stop() {
        storePoll.stop();
        admissions.stop();
    }
}
