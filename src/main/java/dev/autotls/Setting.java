package dev.autotls;

import java.util.Locale;

/**
 * Every configuration key. Each is readable as the system property {@link #key()}, the
 * environment variable {@link #environmentName()}, or through the builder; the README's
 * reference lists exactly these.
 */
public enum Setting {
    DOMAINS("autotls.domains", null, "Names to serve, comma-separated; `*.name` for a wildcard. Required."),
    EMAIL("autotls.email", null, "Contact address given to the CA (expiry notices). Optional."),
    CA("autotls.ca", "letsencrypt", "`letsencrypt`, `letsencrypt-staging`, or an ACME directory URL; a comma list of up "
            + "to three for fallback CAs, the first preferred."),
    CA_TRUST("autotls.ca.trust", null, "PEM file of extra roots trusted for the CA's own HTTPS (a private or test CA)."),
    PROFILE("autotls.profile", null, "ACME profile to order (`classic`, `tlsserver`, `shortlived`, or any the CA lists); "
            + "a CA in `autotls.ca` that lists profiles must offer it; one that lists none gets orders without it. "
            + "Default: the CA's default profile."),
    CA_FALLBACK_AFTER("autotls.ca.fallback-after", "1d", "How long orders for a certificate may fail on one CA before "
            + "the next CA in `autotls.ca` is tried (`1d`, `12h`, `30m`)."),
    CA_ORDER_LIMIT("autotls.ca.order-limit", null, "How many new orders the site sends the first CA in `autotls.ca` "
            + "(`N/duration`, or `off`), counted across every instance sharing the store; more wait in one queue, the "
            + "renewals closest to expiry first. Default: `300/3h` for Let's Encrypt's production directory, none for "
            + "other CAs. Renewals the CA accepts as ARI replacements are not counted and never wait."),
    CA_DOMAIN_LIMIT("autotls.ca.domain-limit", null, "How many new certificates per registered domain (from the Public "
            + "Suffix List) the site orders from the first CA (`N/duration`, or `off`). Default: `50/7d` for Let's "
            + "Encrypt's production directory, none for other CAs."),
    CA_2_TRUST("autotls.ca.2.trust", null, "`autotls.ca.trust` for the second CA in `autotls.ca`."),
    CA_2_EAB_KID("autotls.ca.2.eab.kid", null, "`autotls.eab.kid` for the second CA in `autotls.ca`."),
    CA_2_EAB_HMAC_KEY("autotls.ca.2.eab.hmac-key", null, "`autotls.eab.hmac-key` for the second CA in `autotls.ca`. "
            + "Secret: never logged."),
    CA_2_ORDER_LIMIT("autotls.ca.2.order-limit", null, "`autotls.ca.order-limit` for the second CA in `autotls.ca`."),
    CA_2_DOMAIN_LIMIT("autotls.ca.2.domain-limit", null, "`autotls.ca.domain-limit` for the second CA in `autotls.ca`."),
    CA_3_TRUST("autotls.ca.3.trust", null, "`autotls.ca.trust` for the third CA in `autotls.ca`."),
    CA_3_EAB_KID("autotls.ca.3.eab.kid", null, "`autotls.eab.kid` for the third CA in `autotls.ca`."),
    CA_3_EAB_HMAC_KEY("autotls.ca.3.eab.hmac-key", null, "`autotls.eab.hmac-key` for the third CA in `autotls.ca`. "
            + "Secret: never logged."),
    CA_3_ORDER_LIMIT("autotls.ca.3.order-limit", null, "`autotls.ca.order-limit` for the third CA in `autotls.ca`."),
    CA_3_DOMAIN_LIMIT("autotls.ca.3.domain-limit", null, "`autotls.ca.domain-limit` for the third CA in `autotls.ca`."),
    STORAGE("autotls.storage", null, "Folder for account, keys and certificates, or a PostgreSQL URL "
            + "(`postgresql://user@host/db?sslmode=verify-full`) shared by several instances. Default `$XDG_DATA_HOME/autotls` "
            + "or `~/.local/share/autotls`."),
    STORAGE_PASSWORD("autotls.storage.password", null, "Password for the PostgreSQL store, instead of writing it into the URL. "
            + "Secret: never logged."),
    STORAGE_KEY("autotls.storage.key", null, "Base64 of 32 random bytes (`openssl rand -base64 32`): private keys and "
            + "credentials are stored AES-GCM encrypted in PostgreSQL. The same on every instance. Secret: never logged."),
    STORAGE_CREATE_SCHEMA("autotls.storage.create-schema", "true", "`false`: never create the `autotls_*` tables, only "
            + "check that they exist."),
    STORAGE_SYNC("autotls.storage.sync-interval", "10s", "How often each instance looks for certificates another instance "
            + "stored (`10s`, `1m`); with PostgreSQL, notifications bring them within a second and this is the fallback."),
    STORAGE_LISTEN_URL("autotls.storage.listen-url", null, "A `postgresql://` URL that reaches the store's database "
            + "directly, for the one connection that listens for other instances' changes, when `autotls.storage` goes "
            + "through a pooler in transaction pooling (PgBouncer), where LISTEN does not work. Password from "
            + "the URL, else `autotls.storage.password`; TLS parameters as `autotls.storage`'s unless it names its own. "
            + "Secret (it may hold a password): never logged."),
    CACHE_CERTIFICATES("autotls.cache.certificates", "10000", "How many decoded certificates memory holds at most for "
            + "handshakes (a whole number, at least 1); a handshake for a certificate not among them waits up to 250 ms "
            + "while it is read from the store."),
    CHALLENGE("autotls.challenge", "auto", "`auto`, `http-01`, `tls-alpn-01`, `dns-persist-01`, `acme-dns` or `rfc2136`. "
            + "`auto` uses `tls-alpn-01` where `http-01` would be its choice but the HTTP port is `off`."),
    PERSIST_UNTIL("autotls.dns-persist.until", null, "Optional expiry written into the dns-persist-01 record: "
            + "an ISO date (`2027-12-31`) or instant."),
    ACMEDNS_URL("autotls.acmedns.url", null, "Base URL of an acme-dns server for the CNAME-alias strategy."),
    RFC2136_SERVER("autotls.rfc2136.server", null, "`host:port` of the alias zone's primary DNS server, which takes "
            + "RFC 2136 updates (port 53 if omitted)."),
    RFC2136_ZONE("autotls.rfc2136.zone", null, "The alias zone the `_acme-challenge` CNAMEs point into, e.g. "
            + "`acme-alias.example.org`."),
    RFC2136_TSIG("autotls.rfc2136.tsig", null, "TSIG key for the updates: `algorithm:keyname:base64secret`, e.g. "
            + "`hmac-sha256:acme-alias:BASE64`. Secret: never logged."),
    RFC2136_TSIG_FILE("autotls.rfc2136.tsig-file", null, "Instead of `autotls.rfc2136.tsig`: a BIND key file "
            + "holding one key statement, as `tsig-keygen -a hmac-sha256 NAME` writes it."),
    DNS_RESOLVERS("autotls.dns.resolvers", null, "`host:port` list used for DNS preflight checks. Default: the system's."),
    HTTPS_PORT("autotls.https.port", "443", "Port of the HTTPS connector (0 picks a free one)."),
    HTTP_PORT("autotls.http.port", "80", "Port of the HTTP connector: http-01 answers, everything else redirects to HTTPS; `off` for none."),
    BIND("autotls.bind", null, "Address both connectors listen on. Default: all addresses."),
    AGREE_TOS("autotls.agree-tos", "false", "`true` once you have read and agree to the CA's terms of service."),
    KEY_TYPE("autotls.key-type", "ec256", "Certificate key: `ec256`, `rsa2048` or `rsa4096`."),
    PROXY("autotls.proxy", null, "Outbound HTTP proxy for the CA and acme-dns connections: `host:port` or "
            + "`user:password@host:port` (HTTPS through CONNECT). The password is never logged."),
    ON_DEMAND("autotls.on-demand", "false", "`true`: a TLS handshake for a name not managed obtains its certificate "
            + "while it waits, once a permission check (`autotls.on-demand.ask`, or one given in code) allows the name."),
    ON_DEMAND_ASK("autotls.on-demand.ask", null, "URL of the permission check for names obtained on demand: "
            + "`GET URL?domain=NAME&client=ADDRESS`; a 2xx answer allows; a redirect or another 3xx or 4xx status "
            + "refuses; a 5xx, 429, 408 or no answer within 2 s refuses a handshake but never drops a name at renewal."),
    ON_DEMAND_CHECKS_PER_CLIENT("autotls.on-demand.checks-per-client", "20/1m", "How many permission checks one client "
            + "address may cause (`N/duration`); beyond that its handshakes for unknown names fail at once."),
    ON_DEMAND_WAIT("autotls.on-demand.wait", "10s", "How long a handshake for an allowed name waits for its certificate "
            + "(at most 60s); then it fails with an alert."),
    ON_DEMAND_WAITING("autotls.on-demand.waiting", "32", "How many handshakes may wait for certificates on demand at "
            + "once; more fail at once."),
    ON_DEMAND_ORDER_LIMIT("autotls.on-demand.order-limit", "10/1m", "How many names the site obtains on demand "
            + "(`N/duration`), counted across every instance sharing the store; more wait for a free slot."),
    ON_DEMAND_MAX_NAMES("autotls.on-demand.max-names", "10000", "How many names obtained on demand the site keeps "
            + "managed at most, counted across every instance sharing the store; beyond it, handshakes for names not "
            + "managed fail at once (unmanage some, or raise it)."),
    MANAGEMENT_PORT("autotls.management.port", "off", "Port of the management listener (`/health`, `/status`, `/metrics`); "
            + "`off` for none, `0` picks a free one."),
    MANAGEMENT_BIND("autotls.management.bind", "127.0.0.1", "Address the management listener binds to."),
    EAB_KID("autotls.eab.kid", null, "External account binding key id, for CAs that require one."),
    EAB_HMAC_KEY("autotls.eab.hmac-key", null, "External account binding MAC key (base64url). Secret: never logged.");

    private final String key;
    private final String defaultValue;
    private final String description;

    Setting(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The system property name, e.g. {@code autotls.ca.trust}. */
    public String key() {
        return key;
    }

    /** The environment variable name, e.g. {@code AUTOTLS_CA_TRUST}. */
    public String environmentName() {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The default as text, or null when there is none. */
    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** Whether values of this setting must never appear in logs or messages. */
    public boolean secret() {
        return this == EAB_HMAC_KEY || this == CA_2_EAB_HMAC_KEY || this == CA_3_EAB_HMAC_KEY || this == STORAGE_PASSWORD
                || this == STORAGE_KEY || this == PROXY || this == RFC2136_TSIG
                || this == STORAGE_LISTEN_URL; // may carry its own password, which wins over autotls.storage.password
    }

    /** The most CAs {@code autotls.ca} may list: each after the first has numbered settings of its own. */
    public static final int MAX_CAS = 3;
}
