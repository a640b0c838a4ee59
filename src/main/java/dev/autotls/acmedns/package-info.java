/**
 * The built-in acme-dns responder's entry: AcmeDnsServer and its configuration (ResponderConfig,
 * Database). The DNS and API servers, the account stores and the defences live in
 * dev.autotls.internal.acmedns; the responder knows nothing of certificate management.
 */
package dev.autotls.acmedns;
