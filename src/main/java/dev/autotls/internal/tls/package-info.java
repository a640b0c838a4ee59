/**
 * The handshake path: the certificate registry (SNI name to certified key, exact then wildcard),
 * the key manager that reads it, temporary self-signed and tls-alpn-01 validation certificates.
 * Memory only: no I/O, no lock maintenance can hold.
 */
package dev.autotls.internal.tls;
