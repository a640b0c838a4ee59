/**
 * The handshake path: the certificate registry (SNI name to certified key, exact then wildcard;
 * without SNI, the IP address certificate of the connection's local address), the key manager that
 * reads it, temporary self-signed and tls-alpn-01 validation certificates, and the one mapping of
 * names to subject alternative names. Memory only: no I/O, no lock maintenance can hold, with one
 * bounded exception: the certificate of a managed name that the bounded cache does not hold is
 * loaded through a {@link dev.autotls.internal.tls.CertificateSource} (the engine's, which reads the
 * store) on loader threads of its own, once for all the handshakes asking, and a handshake waits
 * for it at most {@link dev.autotls.internal.tls.CertificateRegistry#LOAD_WAIT}. Imports only
 * {@code names}.
 */
package dev.autotls.internal.tls;
