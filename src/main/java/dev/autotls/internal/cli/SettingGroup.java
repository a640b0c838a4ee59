package dev.autotls.internal.cli;

import dev.autotls.Setting;

/**
 * The headings {@code --help} lists the settings under: what a first run needs first, then the
 * rest by what it tunes. The switch has no default, so a new {@link Setting} does not compile
 * until it is given a group.
 */
enum SettingGroup {
    ESSENTIAL("Settings (each also -Dautotls.NAME=VALUE before -jar, or AUTOTLS_NAME in the environment with . and - "
            + "as _; an option here wins over -D, and -D over the environment):"),
    VALIDATION("DNS validation (dns-persist-01, acme-dns, RFC 2136) and the DNS servers asked:"),
    ACCOUNT("CA account and certificates:"),
    MORE_CAS("Second and third CA (fallbacks, in the order --ca lists them):"),
    STORAGE("Storage tuning (PostgreSQL, several instances):"),
    PROXY("Outbound proxy:"),
    ON_DEMAND("On demand (a handshake for an allowed name obtains its certificate; see docs/names-at-run-time.md):"),
    MANAGEMENT("Management listener (/health, /status, /metrics):");

    final String heading;

    SettingGroup(String heading) {
        this.heading = heading;
    }

    static SettingGroup of(Setting setting) {
        return switch (setting) {
            case DOMAINS, AGREE_TOS, EMAIL, CA, CA_TRUST, STORAGE, CHALLENGE, HTTPS_PORT, HTTP_PORT, BIND -> ESSENTIAL;
            case PERSIST_UNTIL, ACMEDNS_URL, RFC2136_SERVER, RFC2136_ZONE, RFC2136_TSIG, RFC2136_TSIG_FILE, DNS_RESOLVERS ->
                    VALIDATION;
            case PROFILE, KEY_TYPE, EAB_KID, EAB_HMAC_KEY -> ACCOUNT;
            case CA_FALLBACK_AFTER, CA_2_TRUST, CA_2_EAB_KID, CA_2_EAB_HMAC_KEY, CA_3_TRUST, CA_3_EAB_KID, CA_3_EAB_HMAC_KEY,
                    CA_ORDER_LIMIT, CA_DOMAIN_LIMIT, CA_2_ORDER_LIMIT, CA_2_DOMAIN_LIMIT, CA_3_ORDER_LIMIT, CA_3_DOMAIN_LIMIT ->
                    MORE_CAS;
            case STORAGE_PASSWORD, STORAGE_KEY, STORAGE_CREATE_SCHEMA, STORAGE_SYNC, STORAGE_LISTEN_URL, CACHE_CERTIFICATES -> STORAGE;
            case PROXY -> PROXY;
            case ON_DEMAND, ON_DEMAND_ASK, ON_DEMAND_CHECKS_PER_CLIENT, ON_DEMAND_WAIT, ON_DEMAND_WAITING,
                    ON_DEMAND_ORDER_LIMIT, ON_DEMAND_MAX_NAMES -> ON_DEMAND;
            case MANAGEMENT_PORT, MANAGEMENT_BIND -> MANAGEMENT;
        };
    }
}
