/**
 * The handshake path: the certificate registry (SNI name to certified key, exact then wildcard;
 * without SNI, the IP address certificate of the connection's local address), the key manager that
 * reads it, temporary self-signed and tls-alpn-01 validation certificates, and the one mapping of
 * names to subject alternative names. Memory only: no I/O, no lock maintenance can hold. Imports
 * only {@code names}.
 */
package dev.autotls.internal.tls;
