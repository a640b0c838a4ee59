/**
 * On-demand TLS: a handshake for a name that is not managed obtains its certificate, once a
 * permission check allows the name. Here live the checks (an {@code ask} URL or the application's
 * {@link dev.autotls.OnDemandPermission}), their cache and per-client limit, the bounded wait of the
 * handshakes and the queue that admits names at the site's order limit. It implements the
 * {@link dev.autotls.internal.tls.HandshakeWait} the key manager calls and the
 * {@link dev.autotls.internal.engine.CertificateManager.OrderPermission} renewals ask; it uses the
 * engine's {@link dev.autotls.internal.engine.ManagedSet} to make names managed, and no package uses it
 * but the composition root.
 */
package dev.autotls.internal.ondemand;
