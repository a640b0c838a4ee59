[description]
HTTPS that configures and renews itself: the https connector serves certificates that
autotls obtains from an ACME CA (Let's Encrypt by default) and renews in the background,
swapping them in without a restart. The https connector offers HTTP/2 and HTTP/1.1 (ALPN);
http-01 is answered on the http connector.

[tags]
connector
ssl

[depend]
ssl
https
http2
http

[lib]
lib/autotls/*.jar

[xml]
etc/autotls.xml

[ini]
# no keystore: the certificates are autotls's (ssl-context otherwise insists on etc/keystore.p12)
jetty.sslContext.keyStorePath=

[ini-template]
# autotls: HTTPS certificates from an ACME CA, obtained and renewed in the background.
# Each setting is a Jetty property: here, or key=value after start.jar. -Dautotls.* and
# AUTOTLS_* environment variables win over both (secrets belong in the environment).
# The ports are Jetty's: jetty.ssl.port (HTTPS) and jetty.http.port (http-01).

## Names to serve, comma-separated; `*.name` for a wildcard. Required.
# autotls.domains=

## Contact address given to the CA (expiry notices). Optional.
# autotls.email=

## `letsencrypt`, `letsencrypt-staging`, or an ACME directory URL; a comma list of up to three for fallback CAs, the first preferred.
# autotls.ca=letsencrypt

## PEM file of extra roots trusted for the CA's own HTTPS (a private or test CA).
# autotls.ca.trust=

## ACME profile to order (`classic`, `tlsserver`, `shortlived`, or any the CA lists); a CA in `autotls.ca` that lists profiles must offer it; one that lists none gets orders without it. Default: the CA's default profile.
# autotls.profile=

## How long orders for a certificate may fail on one CA before the next CA in `autotls.ca` is tried (`1d`, `12h`, `30m`).
# autotls.ca.fallback-after=1d

## How many new orders the site sends the first CA in `autotls.ca` (`N/duration`, or `off`), counted across every instance sharing the store; more wait in one queue, the renewals closest to expiry first. Default: `300/3h` for Let's Encrypt's production directory, none for other CAs. Renewals the CA accepts as ARI replacements are not counted and never wait.
# autotls.ca.order-limit=

## How many new certificates per registered domain (from the Public Suffix List) the site orders from the first CA (`N/duration`, or `off`). Default: `50/7d` for Let's Encrypt's production directory, none for other CAs.
# autotls.ca.domain-limit=

## `autotls.ca.trust` for the second CA in `autotls.ca`.
# autotls.ca.2.trust=

## `autotls.eab.kid` for the second CA in `autotls.ca`.
# autotls.ca.2.eab.kid=

## `autotls.eab.hmac-key` for the second CA in `autotls.ca`. Secret: never logged.
# autotls.ca.2.eab.hmac-key=

## `autotls.ca.order-limit` for the second CA in `autotls.ca`.
# autotls.ca.2.order-limit=

## `autotls.ca.domain-limit` for the second CA in `autotls.ca`.
# autotls.ca.2.domain-limit=

## `autotls.ca.trust` for the third CA in `autotls.ca`.
# autotls.ca.3.trust=

## `autotls.eab.kid` for the third CA in `autotls.ca`.
# autotls.ca.3.eab.kid=

## `autotls.eab.hmac-key` for the third CA in `autotls.ca`. Secret: never logged.
# autotls.ca.3.eab.hmac-key=

## `autotls.ca.order-limit` for the third CA in `autotls.ca`.
# autotls.ca.3.order-limit=

## `autotls.ca.domain-limit` for the third CA in `autotls.ca`.
# autotls.ca.3.domain-limit=

## Folder for account, keys and certificates, or a PostgreSQL URL (`postgresql://user@host/db?sslmode=verify-full`) shared by several instances. Default `$XDG_DATA_HOME/autotls` or `~/.local/share/autotls`.
# autotls.storage=

## Password for the PostgreSQL store, instead of writing it into the URL. Secret: never logged.
# autotls.storage.password=

## Base64 of 32 random bytes (`openssl rand -base64 32`): private keys and credentials are stored AES-GCM encrypted in PostgreSQL. The same on every instance. Secret: never logged.
# autotls.storage.key=

## `false`: never create the `autotls_*` tables, only check that they exist.
# autotls.storage.create-schema=true

## How often each instance looks for certificates another instance stored (`10s`, `1m`); with PostgreSQL, notifications bring them within a second and this is the fallback.
# autotls.storage.sync-interval=10s

## A `postgresql://` URL that reaches the store's database directly, for the one connection that listens for other instances' changes, when `autotls.storage` goes through a pooler in transaction pooling (PgBouncer), where LISTEN does not work. Password from the URL, else `autotls.storage.password`; TLS parameters as `autotls.storage`'s unless it names its own. Secret (it may hold a password): never logged.
# autotls.storage.listen-url=

## How many decoded certificates memory holds at most for handshakes (a whole number, at least 1); a handshake for a certificate not among them waits up to 250 ms while it is read from the store.
# autotls.cache.certificates=10000

## `auto`, `http-01`, `tls-alpn-01`, `dns-persist-01`, `acme-dns` or `rfc2136`. `auto` uses `tls-alpn-01` where `http-01` would be its choice but the HTTP port is `off`.
# autotls.challenge=auto

## Optional expiry written into the dns-persist-01 record: an ISO date (`2027-12-31`) or instant.
# autotls.dns-persist.until=

## Base URL of an acme-dns server for the CNAME-alias strategy.
# autotls.acmedns.url=

## `host:port` of the alias zone's primary DNS server, which takes RFC 2136 updates (port 53 if omitted).
# autotls.rfc2136.server=

## The alias zone the `_acme-challenge` CNAMEs point into, e.g. `acme-alias.example.org`.
# autotls.rfc2136.zone=

## TSIG key for the updates: `algorithm:keyname:base64secret`, e.g. `hmac-sha256:acme-alias:BASE64`. Secret: never logged.
# autotls.rfc2136.tsig=

## Instead of `autotls.rfc2136.tsig`: a BIND key file holding one key statement, as `tsig-keygen -a hmac-sha256 NAME` writes it.
# autotls.rfc2136.tsig-file=

## `host:port` list used for DNS preflight checks. Default: the system's.
# autotls.dns.resolvers=

## Must equal jetty.ssl.port, which sets the HTTPS port; unset, it takes that value.
# autotls.https.port=${jetty.ssl.port}

## Must equal jetty.http.port, which sets the HTTP port the CA reaches for http-01 (unset, it takes that value); `off`: no http-01.
# autotls.http.port=${jetty.http.port}

## Not used with jetty-home: jetty.ssl.host and jetty.http.host set the addresses.
# autotls.bind=

## `true` once you have read and agree to the CA's terms of service.
# autotls.agree-tos=false

## Certificate key: `ec256`, `rsa2048` or `rsa4096`.
# autotls.key-type=ec256

## Outbound HTTP proxy for the CA and acme-dns connections: `host:port` or `user:password@host:port` (HTTPS through CONNECT). The password is never logged.
# autotls.proxy=

## `true`: a TLS handshake for a name not managed obtains its certificate while it waits, once a permission check (`autotls.on-demand.ask`, or one given in code) allows the name.
# autotls.on-demand=false

## URL of the permission check for names obtained on demand: `GET URL?domain=NAME&client=ADDRESS`; a 2xx answer allows; a redirect or another 3xx or 4xx status refuses; a 5xx, 429, 408 or no answer within 2 s refuses a handshake but never drops a name at renewal.
# autotls.on-demand.ask=

## How many permission checks one client address may cause (`N/duration`); beyond that its handshakes for unknown names fail at once.
# autotls.on-demand.checks-per-client=20/1m

## How long a handshake for an allowed name waits for its certificate (at most 60s); then it fails with an alert.
# autotls.on-demand.wait=10s

## How many handshakes may wait for certificates on demand at once; more fail at once.
# autotls.on-demand.waiting=32

## How many names the site obtains on demand (`N/duration`), counted across every instance sharing the store; more wait for a free slot.
# autotls.on-demand.order-limit=10/1m

## How many names obtained on demand the site keeps managed at most, counted across every instance sharing the store; beyond it, handshakes for names not managed fail at once (unmanage some, or raise it).
# autotls.on-demand.max-names=10000

## Port of the management listener (`/health`, `/status`, `/metrics`); `off` for none, `0` picks a free one.
# autotls.management.port=off

## Address the management listener binds to.
# autotls.management.bind=127.0.0.1

## External account binding key id, for CAs that require one.
# autotls.eab.kid=

## External account binding MAC key (base64url). Secret: never logged.
# autotls.eab.hmac-key=
