package dev.autotls.internal.engine.pacing;

import dev.autotls.internal.config.OrderLimits;
import dev.autotls.internal.config.RateLimit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one CA account's queue shares through the store: the times of the new orders it admitted
 * within the limits' windows (per account, and per registered domain), the CA's pauses, and the
 * certificates waiting, most urgent first. Immutable; times are epoch milliseconds. {@link QueueFile}
 * keeps it, {@link OrderQueue} decides on it.
 *
 * <p>Bounded: admissions older than their window and pauses that ended are pruned at every write,
 * and so is a waiting entry whose instance did not ask again by {@link #STALE_AFTER} past the time it
 * said it would (it stopped, or the certificate no longer waits). At most {@link #MAX_WAITING} entries
 * are kept: the most urgent, which are the only ones a window's admissions can reach; one less urgent
 * learns its place and asks again later, without being written.
 *
 * @param version  grows by one with every write
 * @param orders   when new orders were admitted, within the order limit's window
 * @param domains  per registered domain, when new orders for it were admitted, within the domain limit's window
 * @param pauses   the CA's pauses that have not ended (an account pause has no domain)
 * @param waiting  the certificates waiting, most urgent first
 */
record QueueRecord(long version, List<Long> orders, Map<String, List<Long>> domains, List<Pause> pauses,
                   List<Waiting> waiting) {
    /** How long past its own next ask a waiting entry is kept for an instance that does not come back. */
    static final Duration STALE_AFTER = Duration.ofMinutes(2);
    /** The most waiting entries kept; 1,000 entries make about 60 KB of JSON. */
    static final int MAX_WAITING = 1000;

    static final QueueRecord EMPTY = new QueueRecord(0, List.of(), Map.of(), List.of(), List.of());

    /** Most urgent first: renewals by expiry, then certificates someone waits for, then the rest, each by when they came. */
    static final Comparator<Waiting> URGENCY = Comparator.comparingInt(Waiting::rank).thenComparingLong(Waiting::key)
            .thenComparing(Waiting::certificate);

    QueueRecord {
        orders = List.copyOf(orders);
        Map<String, List<Long>> copied = new LinkedHashMap<>();
        domains.forEach((domain, times) -> copied.put(domain, List.copyOf(times)));
        domains = java.util.Collections.unmodifiableMap(copied);
        pauses = List.copyOf(pauses);
        waiting = List.copyOf(waiting);
    }

    /**
     * A pause the CA asked for with a 429: no new order to the account (or, with {@code domain}, for
     * that registered domain) before {@code until}.
     */
    record Pause(String domain, long until, String why) {
        boolean account() {
            return domain == null;
        }
    }

    /**
     * One certificate waiting for an order.
     *
     * @param certificate its first name
     * @param rank        {@link Urgency#rank()}
     * @param key         within the rank, smaller first: the expiry for a renewal, else when it first asked
     * @param ask         when its instance asks again (its expected start)
     */
    record Waiting(String certificate, int rank, long key, long ask) {
    }

    /** Without what no longer counts at {@code now}: admissions out of their windows, ended pauses, stale waiting entries. */
    QueueRecord pruned(OrderLimits limits, long now) {
        List<Long> keptOrders = within(orders, limits.orders(), now);
        Map<String, List<Long>> keptDomains = new LinkedHashMap<>();
        domains.forEach((domain, times) -> {
            List<Long> kept = within(times, limits.perDomain(), now);
            if (!kept.isEmpty()) {
                keptDomains.put(domain, kept);
            }
        });
        List<Pause> keptPauses = pauses.stream().filter(p -> p.until() > now).toList();
        List<Waiting> keptWaiting = waiting.stream().filter(w -> w.ask() + STALE_AFTER.toMillis() > now)
                .sorted(URGENCY).limit(MAX_WAITING).toList();
        return new QueueRecord(version, keptOrders, keptDomains, keptPauses, keptWaiting);
    }

    private static List<Long> within(List<Long> times, Optional<RateLimit> limit, long now) {
        if (limit.isEmpty()) {
            return List.of();
        }
        long start = now - limit.get().per().toMillis();
        return times.stream().filter(t -> t > start).toList();
    }

    /** When the account is paused until, or 0. */
    long accountPause() {
        return pauses.stream().filter(Pause::account).mapToLong(Pause::until).max().orElse(0);
    }

    /** When new orders for {@code domain} are paused until (the account's pause included), or 0. */
    long pauseFor(String domain) {
        return pauses.stream().filter(p -> p.account() || p.domain().equals(domain)).mapToLong(Pause::until).max().orElse(0);
    }

    /** The pause that holds {@code domains} longest, if any holds them after {@code now}. */
    Optional<Pause> pauseOf(List<String> domains, long now) {
        return pauses.stream().filter(p -> p.until() > now && (p.account() || domains.contains(p.domain())))
                .max(Comparator.comparingLong(Pause::until));
    }

    QueueRecord withVersion(long next) {
        return new QueueRecord(next, orders, domains, pauses, waiting);
    }

    QueueRecord withWaiting(List<Waiting> next) {
        return new QueueRecord(version, orders, domains, pauses, next);
    }

    /** With {@code at} counted as an admission (per account, and for each of {@code forDomains}), as the limits keep them. */
    QueueRecord admitted(long at, List<String> forDomains, OrderLimits limits) {
        List<Long> nextOrders = new ArrayList<>(orders);
        if (limits.orders().isPresent()) {
            nextOrders.add(at);
        }
        Map<String, List<Long>> nextDomains = new LinkedHashMap<>(domains);
        if (limits.perDomain().isPresent()) {
            for (String domain : forDomains) {
                List<Long> times = new ArrayList<>(nextDomains.getOrDefault(domain, List.of()));
                times.add(at);
                nextDomains.put(domain, times);
            }
        }
        return new QueueRecord(version, nextOrders, nextDomains, pauses, waiting);
    }

    /** With a pause until {@code until} (kept if a longer one of the same scope is there already). */
    QueueRecord paused(String domain, long until, String why) {
        List<Pause> next = new ArrayList<>();
        boolean longer = false;
        for (Pause pause : pauses) {
            boolean same = domain == null ? pause.account() : domain.equals(pause.domain());
            if (same && pause.until() >= until) {
                longer = true;
            }
            if (!same || pause.until() >= until) {
                next.add(pause);
            }
        }
        if (!longer) {
            next.add(new Pause(domain, until, why));
        }
        return new QueueRecord(version, orders, domains, next, waiting);
    }

    /** Whether both hold the same content (the version aside). */
    boolean sameContent(QueueRecord other) {
        return orders.equals(other.orders) && domains.equals(other.domains) && pauses.equals(other.pauses)
                && waiting.equals(other.waiting);
    }
}
