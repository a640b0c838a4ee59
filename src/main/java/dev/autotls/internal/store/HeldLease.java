package dev.autotls.internal.store;

import dev.autotls.spi.Lease;
import dev.autotls.spi.LostLeaseException;
import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lease as both stores hold it: the store-specific steps ({@link Steps}) plus the heartbeat
 * that renews it. The holder's own view of expiry runs on {@link System#nanoTime}, counted from
 * the last renewal the store confirmed, so an unreachable store makes the lease count as lost
 * no later than the store itself would let it expire.
 */
public final class HeldLease implements Lease {
    private static final Logger LOG = LoggerFactory.getLogger(HeldLease.class);

    /** What a store does for one lease. */
    public interface Steps {
        /** Extends the lease in the store; false if it is no longer this owner's. */
        boolean extend(HeldLease lease) throws IOException;

        /** Removes the lease from the store if this owner still holds it. */
        void release(HeldLease lease) throws IOException;
    }

    private final String name;
    private final long token;
    private final String owner;
    private final Steps steps;
    private final LeaseTimes times;
    private volatile long confirmedAtNanos;
    private volatile boolean held = true;
    private volatile ScheduledFuture<?> heartbeat;

    public HeldLease(String name, long token, String owner, Steps steps, LeaseTimes times) {
        this.name = name;
        this.token = token;
        this.owner = owner;
        this.steps = steps;
        this.times = times;
        this.confirmedAtNanos = System.nanoTime();
    }

    /** Starts renewing on {@code heartbeats}; returns this. */
    public HeldLease beat(Heartbeats heartbeats) {
        long every = times.heartbeat().toMillis();
        heartbeat = heartbeats.every(every, this::heartbeatOnce);
        return this;
    }

    private void heartbeatOnce() {
        if (!held) {
            return;
        }
        try {
            renew();
        } catch (LostLeaseException e) {
            LOG.warn("Lost the lease on {}: {}; the work it guarded stops.", name, e.getMessage());
        } catch (IOException e) {
            if (!isHeld()) {
                LOG.warn("Lost the lease on {}: the store could not be reached to renew it in time ({}).", name, e.getMessage());
            } else {
                LOG.debug("could not renew the lease on {} this time: {}", name, e.toString());
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long token() {
        return token;
    }

    public String owner() {
        return owner;
    }

    @Override
    public boolean isHeld() {
        if (held && System.nanoTime() - confirmedAtNanos >= times.lease().toNanos()) {
            held = false;
            stopBeating();
        }
        return held;
    }

    @Override
    public void renew() throws IOException {
        if (!isHeld()) {
            throw new LostLeaseException("the lease on " + name + " (token " + token + ") has expired");
        }
        long before = System.nanoTime();
        if (!steps.extend(this)) {
            held = false;
            stopBeating();
            throw new LostLeaseException("the lease on " + name + " (token " + token + ") expired or passed to another owner");
        }
        confirmedAtNanos = before;
    }

    @Override
    public void close() {
        if (!held) {
            stopBeating();
            return;
        }
        held = false;
        stopBeating();
        try {
            steps.release(this);
        } catch (IOException e) {
            // it expires by itself; nobody else is held up for longer than the lease
            LOG.debug("could not release the lease on {}: {}", name, e.toString());
        }
    }

    /** Stops renewing (also what a frozen or killed process amounts to). */
    void stopBeating() {
        ScheduledFuture<?> current = heartbeat;
        if (current != null) {
            current.cancel(false);
        }
    }

    @Override
    public String toString() {
        return "lease on " + name + " (token " + token + ", " + (held ? "held" : "lost") + ")";
    }
}
