package dev.autotls.internal.config;

import dev.autotls.Setting;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code autotls.on-demand.*} settings: whether a handshake for a name not managed may obtain
 * its certificate, who is asked first, and the limits around it.
 *
 * @param enabled         {@code autotls.on-demand}
 * @param ask             {@code autotls.on-demand.ask}: the URL asked {@code ?domain=NAME&client=ADDRESS}, if set
 * @param checksPerClient how many permission checks one client address may cause
 * @param waitFor         how long a handshake for an allowed name waits for its certificate
 * @param waiting         how many handshakes may wait at once
 * @param orderLimit      how many names the site admits on demand (each one order)
 * @param maxNames        how many names obtained on demand the site keeps managed at most
 */
public record OnDemandConfig(boolean enabled, Optional<URI> ask, RateLimit checksPerClient, Duration waitFor, int waiting,
                             RateLimit orderLimit, int maxNames) {

    static OnDemandConfig resolve(SettingSources sources) {
        return new OnDemandConfig(enabled(sources), ask(sources), limit(sources, Setting.ON_DEMAND_CHECKS_PER_CLIENT),
                waitFor(sources), waiting(sources),
                limit(sources, Setting.ON_DEMAND_ORDER_LIMIT), maxNames(sources));
    }

    private static boolean enabled(SettingSources sources) {
        SettingSources.Value value = sources.get(Setting.ON_DEMAND).orElseThrow();
        return switch (value.text().trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes" -> true;
            case "false", "no" -> false;
            default -> throw value.invalid("use true or false");
        };
    }

    private static Optional<URI> ask(SettingSources sources) {
        Optional<SettingSources.Value> value = sources.get(Setting.ON_DEMAND_ASK).filter(v -> !v.text().isBlank());
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String text = value.get().text().trim();
        try {
            URI uri = new URI(text);
            boolean web = "https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme());
            if (web && uri.getHost() != null && uri.getFragment() == null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // explained below
        }
        throw value.get().invalid("give the http:// or https:// URL of your permission endpoint, e.g. "
                + "http://127.0.0.1:9000/allowed (autotls adds ?domain=NAME&client=ADDRESS)");
    }

    private static RateLimit limit(SettingSources sources, Setting setting) {
        SettingSources.Value value = sources.get(setting).orElseThrow();
        try {
            return RateLimit.parse(value.text());
        } catch (IllegalArgumentException e) {
            throw value.invalid("write N/duration with N at least 1, e.g. 10/1m (ten a minute), 20/30s or 100/1h");
        }
    }

    /** The longest {@code autotls.on-demand.wait}: each waiting handshake holds a server thread, and clients give up sooner. */
    static final Duration MAX_WAIT = Duration.ofSeconds(60);

    private static Duration waitFor(SettingSources sources) {
        Duration wait = CaSettings.duration(sources, Setting.ON_DEMAND_WAIT);
        if (wait.compareTo(MAX_WAIT) > 0) {
            throw sources.get(Setting.ON_DEMAND_WAIT).orElseThrow().invalid("give at most 60s: each waiting handshake holds "
                    + "one of the server's threads, and browsers give up on a handshake well before a minute");
        }
        return wait;
    }

    private static int waiting(SettingSources sources) {
        SettingSources.Value value = sources.get(Setting.ON_DEMAND_WAITING).orElseThrow();
        try {
            int waiting = Integer.parseInt(value.text().trim());
            if (waiting >= 1 && waiting <= 100_000) {
                return waiting;
            }
        } catch (NumberFormatException e) {
            // explained below
        }
        throw value.invalid("give how many handshakes may wait at once, a whole number from 1 to 100000 (each holds a thread)");
    }

    private static int maxNames(SettingSources sources) {
        SettingSources.Value value = sources.get(Setting.ON_DEMAND_MAX_NAMES).orElseThrow();
        try {
            int max = Integer.parseInt(value.text().trim());
            if (max >= 1 && max <= 10_000_000) {
                return max;
            }
        } catch (NumberFormatException e) {
            // explained below
        }
        throw value.invalid("give how many names obtained on demand the site may keep managed, a whole number from 1 to "
                + "10000000 (each is a certificate every instance keeps in memory and renews)");
    }
}
