/**
 * The responder's implementation: authoritative DNS over UDP and TCP, the acme-dns HTTP API, the
 * account stores (SQLite and PostgreSQL in acme-dns's schema), rate limits and defences. It knows
 * nothing of the engine or of certificate management.
 */
package dev.autotls.internal.acmedns;
