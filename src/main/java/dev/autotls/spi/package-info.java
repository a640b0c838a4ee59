/**
 * The contracts others may implement, and the errors everything reports in: the
 * {@link dev.autotls.spi.CertificateStore} that one
 * site of instances shares, with its {@link dev.autotls.spi.Locker} of fenced leases. A leaf:
 * it imports nothing of autotls, and everything else may import it. Failures are
 * {@link dev.autotls.spi.AutoTlsException}s of three kinds: owner action, transient, storage.
 */
package dev.autotls.spi;
