package dev.autotls.internal.engine.pacing;

import dev.autotls.internal.config.OrderLimits;
import dev.autotls.internal.config.RateLimit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The decision one CA account's queue makes when a certificate's job asks to place a new order:
 * pure, on the {@link QueueRecord} read under the queue's lease, with the limits and {@code now}
 * given. The caller writes {@link Outcome#after}.
 *
 * <p>An order is admitted when nothing pauses it (the CA's 429 for the account or for one of its
 * registered domains), the account's window and each of its domains' windows have room now, and the
 * free room exceeds the number of waiting entries more urgent than it that could go now (not paused,
 * their domains not full): those keep their slots even if their instances have not asked yet, so an
 * urgent order waiting on one instance goes before a less urgent one asking on another. Otherwise the
 * certificate waits: its entry is kept with the time it will ask again, its expected start, which
 * plays the queue forward (each entry ahead taking the first slot its limits and pauses allow). A
 * first certificate that is not a renewal never takes a slot on its first ask but waits
 * {@link #GATHER} (when the account is limited), so the renewals and other urgent orders that fall due at
 * the same moment, on this instance or another, are in the queue before the slots are given out.
 */
final class OrderQueue {
    /** How long a first ask of an order that is not a renewal waits before it may take a slot, on a limited account. */
    static final long GATHER = 2_000;
    /** The least time between two asks of one waiting certificate: never a busy loop. */
    static final long MIN_WAIT = 1_000;

    private OrderQueue() {
    }

    /**
     * One certificate asking to order now.
     *
     * @param certificate its first name
     * @param domains     the registered domains of its names
     * @param urgency     how urgent it is
     * @param expires     for a renewal, when the certificate it replaces expires (epoch ms); ignored otherwise
     */
    record Request(String certificate, List<String> domains, Urgency urgency, long expires) {
    }

    /** What the queue answered. */
    sealed interface Decision permits Admitted, Wait {
    }

    /** Order now. */
    record Admitted() implements Decision {
    }

    /**
     * Do not order before {@code at}; ask again then.
     *
     * @param position its place in the queue, 1 for the first
     * @param at       when it is expected to start (epoch ms)
     * @param why      the sentence that says why, for the job's outcome and the log
     */
    record Wait(int position, long at, String why) implements Decision {
    }

    record Outcome(Decision decision, QueueRecord after) {
    }

    static Outcome decide(QueueRecord stored, Request request, OrderLimits limits, long now) {
        QueueRecord record = stored.pruned(limits, now);
        Optional<QueueRecord.Waiting> before = record.waiting().stream()
                .filter(w -> w.certificate().equals(request.certificate())).findFirst();
        long key = request.urgency() == Urgency.RENEWAL ? request.expires()
                : before.filter(w -> w.rank() == request.urgency().rank()).map(QueueRecord.Waiting::key).orElse(now);
        List<QueueRecord.Waiting> others = new ArrayList<>(record.waiting());
        before.ifPresent(others::remove);
        QueueRecord.Waiting mine = new QueueRecord.Waiting(request.certificate(), request.urgency().rank(), key, now);
        List<QueueRecord.Waiting> queue = new ArrayList<>(others);
        queue.add(mine);
        queue.sort(QueueRecord.URGENCY);
        int index = queue.indexOf(mine);

        // a first ask that is no renewal waits for what falls due with it; an ask before the entry's own time (another
        // instance's job for the same certificate) waits for that time, so the two instances' asks count as one
        boolean gathering = limits.orders().isPresent() && request.urgency() != Urgency.RENEWAL
                && (before.isEmpty() || before.get().ask() > now);
        if (!gathering && mayGoNow(record, request.domains(), limits, now)
                && free(record, limits, now) > readyAhead(record, queue.subList(0, index), limits, now)) {
            QueueRecord after = record.withWaiting(others).admitted(now, request.domains(), limits);
            return new Outcome(new Admitted(), after);
        }
        long at = Math.max(expectedStart(record, queue, index, request.domains(), limits, now), now + MIN_WAIT);
        if (gathering) {
            at = Math.max(at, before.map(QueueRecord.Waiting::ask).orElse(now + GATHER));
        }
        QueueRecord.Waiting asking = new QueueRecord.Waiting(request.certificate(), mine.rank(), key, at);
        if (before.isPresent() && unmoved(before.get(), asking)) {
            asking = before.get(); // keeps the record as it is: no rewrite of the whole queue for one entry's next ask
        }
        List<QueueRecord.Waiting> kept = new ArrayList<>(others);
        kept.add(asking);
        kept.sort(QueueRecord.URGENCY);
        if (kept.size() > QueueRecord.MAX_WAITING) {
            kept = kept.subList(0, QueueRecord.MAX_WAITING); // beyond them it learns its place and is not written
        }
        String why = why(record, request, limits, now, index + 1, at, gathering);
        return new Outcome(new Wait(index + 1, at, why), record.withWaiting(kept));
    }

    /**
     * Whether an entry already queued may keep its stored next ask instead of {@code asking}'s: same place
     * (rank and key), and the new ask no earlier than the stored one and within half of
     * {@link QueueRecord#STALE_AFTER} of it, so the entry is refreshed well before it could be pruned as
     * stale while its instance still asks. Every ask rewrote the record (up to about 60 KB) only because
     * that time moved; the stored time is only an estimate for the entries behind it.
     */
    private static boolean unmoved(QueueRecord.Waiting stored, QueueRecord.Waiting asking) {
        return stored.rank() == asking.rank() && stored.key() == asking.key() && stored.ask() <= asking.ask()
                && asking.ask() - stored.ask() <= QueueRecord.STALE_AFTER.toMillis() / 2;
    }

    /** Nothing pauses these domains (or the account) now, and their windows and the account's have room. */
    private static boolean mayGoNow(QueueRecord record, List<String> domains, OrderLimits limits, long now) {
        if (record.pauseOf(domains, now).isPresent()) {
            return false;
        }
        for (String domain : domains) {
            if (limits.perDomain().isPresent() && full(limits.perDomain().get(), record.domains().get(domain), now)) {
                return false;
            }
        }
        return limits.orders().isEmpty() || !full(limits.orders().get(), record.orders(), now);
    }

    private static boolean full(RateLimit limit, List<Long> times, long now) {
        return times != null && limit.nextSlot(instants(times), Instant.ofEpochMilli(now)).isPresent();
    }

    /** How many more new orders the account's window takes now. */
    private static long free(QueueRecord record, OrderLimits limits, long now) {
        if (limits.orders().isEmpty()) {
            return Long.MAX_VALUE;
        }
        RateLimit limit = limits.orders().get();
        long start = now - limit.per().toMillis();
        return Math.max(0, limit.count() - record.orders().stream().filter(t -> t > start).count());
    }

    /** How many of {@code ahead} could take a slot now (nothing pauses them, their domains have room). */
    private static long readyAhead(QueueRecord record, List<QueueRecord.Waiting> ahead, OrderLimits limits, long now) {
        long ready = 0;
        for (QueueRecord.Waiting entry : ahead) {
            if (mayGoNow(record, List.of(RegisteredDomains.of(entry.certificate())), limits, now)) {
                ready++;
            }
        }
        return ready;
    }

    /**
     * Plays the queue forward from {@code now}: each entry up to {@code index}, in order, takes the first
     * instant its pauses and limits allow, counted at that instant or when its instance asks, whichever is
     * later; the start of the one at {@code index}.
     */
    private static long expectedStart(QueueRecord record, List<QueueRecord.Waiting> queue, int index, List<String> domains,
                                      OrderLimits limits, long now) {
        List<Long> orders = new ArrayList<>(record.orders());
        orders.sort(null);
        Map<String, List<Long>> perDomain = new HashMap<>();
        record.domains().forEach((domain, times) -> {
            List<Long> sorted = new ArrayList<>(times);
            sorted.sort(null);
            perDomain.put(domain, sorted);
        });
        for (int i = 0; ; i++) {
            QueueRecord.Waiting entry = queue.get(i);
            List<String> its = i == index ? domains : List.of(RegisteredDomains.of(entry.certificate()));
            long at = earliest(record, its, orders, perDomain, limits, now);
            if (i == index) {
                return at;
            }
            long taken = Math.max(at, entry.ask());
            insertSorted(orders, taken);
            for (String domain : its) {
                insertSorted(perDomain.computeIfAbsent(domain, d -> new ArrayList<>()), taken);
            }
        }
    }

    private static long earliest(QueueRecord record, List<String> domains, List<Long> orders,
                                 Map<String, List<Long>> perDomain, OrderLimits limits, long now) {
        long at = now;
        for (String domain : domains) {
            at = Math.max(at, record.pauseFor(domain));
        }
        at = Math.max(at, record.accountPause());
        for (int round = 0; round < 100; round++) { // each limit moves it forward at most once per round; a few rounds settle
            long moved = at;
            if (limits.orders().isPresent()) {
                moved = Math.max(moved, slot(limits.orders().get(), orders, moved));
            }
            if (limits.perDomain().isPresent()) {
                for (String domain : domains) {
                    moved = Math.max(moved, slot(limits.perDomain().get(), perDomain.getOrDefault(domain, List.of()), moved));
                }
            }
            if (moved == at) {
                return at;
            }
            at = moved;
        }
        return at;
    }

    /**
     * The first instant from {@code at} with room for one more, counting the slots given out later too (so none is
     * promised twice): {@link RateLimit#nextSlot}'s rule on a sorted list, by binary search, as the queue is played
     * forward over up to {@link QueueRecord#MAX_WAITING} entries.
     */
    private static long slot(RateLimit limit, List<Long> sorted, long at) {
        int first = firstAfter(sorted, at - limit.per().toMillis());
        if (sorted.size() - first < limit.count()) {
            return at;
        }
        return Math.max(at, sorted.get(sorted.size() - limit.count()) + limit.per().toMillis());
    }

    /** The index of the first of {@code sorted} later than {@code time}. */
    private static int firstAfter(List<Long> sorted, long time) {
        int low = 0;
        int high = sorted.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (sorted.get(middle) <= time) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    private static void insertSorted(List<Long> sorted, long time) {
        sorted.add(firstAfter(sorted, time), time);
    }

    private static List<Instant> instants(List<Long> times) {
        return times.stream().map(Instant::ofEpochMilli).toList();
    }

    private static String why(QueueRecord record, OrderQueue.Request request, OrderLimits limits, long now, int position,
                              long at, boolean gathering) {
        String place = "waiting in the CA account's order queue at place " + position + ", expected to start at "
                + Instant.ofEpochMilli(at);
        Optional<QueueRecord.Pause> pause = record.pauseOf(request.domains(), now);
        if (pause.isPresent()) {
            return place + " (the CA paused new orders" + (pause.get().account() ? "" : " for " + pause.get().domain())
                    + " until " + Instant.ofEpochMilli(pause.get().until()) + ": " + pause.get().why() + ")";
        }
        if (gathering) {
            return place + " (gathering what falls due at the same time, so the most urgent go first)";
        }
        return place + " (limits: " + limits + ")";
    }
}
