package dev.autotls.internal.config;

import dev.autotls.Setting;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * How fast the site may send new orders to one CA account: at most {@code orders} new orders in
 * any window of its length, and at most {@code perDomain} new certificates per registered domain.
 * Either may be absent (no limit). Let's Encrypt's production directory has its published limits
 * by default; any other CA none, unless {@code autotls.ca.order-limit} or
 * {@code autotls.ca.domain-limit} (numbered for fallback CAs) says otherwise. Immutable.
 *
 * @param orders    new orders per account, if limited
 * @param perDomain new certificates per registered domain, if limited
 */
public record OrderLimits(Optional<RateLimit> orders, Optional<RateLimit> perDomain) {
    /** No limit: every order goes at once (a 429 still pauses the account). */
    public static final OrderLimits NONE = new OrderLimits(Optional.empty(), Optional.empty());
    /** Let's Encrypt's "new orders per account" (300 per 3 hours). */
    static final RateLimit LETSENCRYPT_ORDERS = new RateLimit(300, java.time.Duration.ofHours(3));
    /** Let's Encrypt's "new certificates per registered domain" (50 per 7 days). */
    static final RateLimit LETSENCRYPT_PER_DOMAIN = new RateLimit(50, java.time.Duration.ofDays(7));
    /** What turns a default limit off. */
    static final String OFF = "off";

    /** Whether any limit is set (otherwise the queue never holds an order back unless the CA paused it). */
    public boolean limited() {
        return orders.isPresent() || perDomain.isPresent();
    }

    /** The defaults for the CA at {@code directory}. */
    static OrderLimits defaultsFor(URI directory) {
        return CaSettings.LETSENCRYPT.equals(directory)
                ? new OrderLimits(Optional.of(LETSENCRYPT_ORDERS), Optional.of(LETSENCRYPT_PER_DOMAIN)) : NONE;
    }

    /** The order limit and the domain limit settings of the {@code position}-th CA of {@code autotls.ca}, in that order. */
    static List<Setting> settingsFor(int position) {
        switch (position) {
            case 1: return List.of(Setting.CA_ORDER_LIMIT, Setting.CA_DOMAIN_LIMIT);
            case 2: return List.of(Setting.CA_2_ORDER_LIMIT, Setting.CA_2_DOMAIN_LIMIT);
            case 3: return List.of(Setting.CA_3_ORDER_LIMIT, Setting.CA_3_DOMAIN_LIMIT);
            default: throw new IllegalArgumentException("autotls.ca lists at most " + Setting.MAX_CAS + " CAs, not " + position);
        }
    }

    /** The limits of the {@code position}-th CA at {@code directory}: its settings where given, else its defaults. */
    static OrderLimits resolve(SettingSources sources, int position, URI directory) {
        OrderLimits defaults = defaultsFor(directory);
        List<Setting> own = settingsFor(position);
        return new OrderLimits(limit(sources, own.get(0), defaults.orders()), limit(sources, own.get(1), defaults.perDomain()));
    }

    private static Optional<RateLimit> limit(SettingSources sources, Setting setting, Optional<RateLimit> fallback) {
        Optional<SettingSources.Value> value = sources.get(setting).filter(v -> !v.text().isBlank());
        if (value.isEmpty()) {
            return fallback;
        }
        if (value.get().text().trim().equalsIgnoreCase(OFF)) {
            return Optional.empty();
        }
        try {
            return Optional.of(RateLimit.parse(value.get().text()));
        } catch (IllegalArgumentException e) {
            throw value.get().invalid(e.getMessage() + ", or off for no limit");
        }
    }

    @Override
    public String toString() {
        return "orders " + orders.map(RateLimit::toString).orElse("unlimited") + ", per registered domain "
                + perDomain.map(RateLimit::toString).orElse("unlimited");
    }
}
