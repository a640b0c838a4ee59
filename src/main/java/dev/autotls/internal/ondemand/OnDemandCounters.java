package dev.autotls.internal.ondemand;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What on demand did, for {@code /metrics} and Micrometer: permission checks asked, handshakes for
 * unknown names refused (by a bounded reason), and the handshakes waiting now.
 */
public final class OnDemandCounters {
    /** Why a handshake for a name not managed got no certificate; the label values are these in lower case. */
    public enum Refusal {
        /** Not a name that may be obtained on demand: not a valid DNS name, a wildcard, an IP address, longer than 253 characters. */
        INVALID_NAME,
        /** The client's address caused more checks than {@code autotls.on-demand.checks-per-client} allows. */
        CLIENT_LIMIT,
        /** The permission check said no (or gave no answer in time). */
        PERMISSION,
        /** {@code autotls.on-demand.waiting} handshakes were waiting already. */
        WAITING_FULL,
        /** Allowed, but no certificate was there within {@code autotls.on-demand.wait} (or the order failed). */
        NOT_OBTAINED,
        /** Allowed, but as many names wait for a slot of {@code autotls.on-demand.order-limit} as may. */
        QUEUE_FULL,
        /** The site manages {@code autotls.on-demand.max-names} names obtained on demand already. */
        MAX_NAMES;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final AtomicLong asked = new AtomicLong();
    private final Map<Refusal, AtomicLong> refused = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();

    void asked() {
        asked.incrementAndGet();
    }

    void refused(Refusal why) {
        refused.computeIfAbsent(why, key -> new AtomicLong()).incrementAndGet();
    }

    AtomicInteger waitingNow() {
        return waiting;
    }

    /** Permission checks asked (answered or not) since the start. */
    public long checksAsked() {
        return asked.get();
    }

    /** Handshakes refused for {@code why} since the start. */
    public long refused(String why) {
        AtomicLong count = refused.get(Refusal.valueOf(why.toUpperCase(Locale.ROOT)));
        return count == null ? 0 : count.get();
    }

    /** Handshakes refused since the start, by reason (every reason, 0 included). */
    public Map<String, Long> refusedByReason() {
        Map<String, Long> all = new TreeMap<>();
        for (Refusal why : Refusal.values()) {
            AtomicLong count = refused.get(why);
            all.put(why.label(), count == null ? 0 : count.get());
        }
        return all;
    }

    /** Handshakes waiting for a certificate on demand now. */
    public int waiting() {
        return waiting.get();
    }
}
