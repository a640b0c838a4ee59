/**
 * The contracts others may implement: the {@link dev.autotls.spi.CertificateStore} that one
 * site of instances shares, with its {@link dev.autotls.spi.Locker} of fenced leases. A leaf:
 * it imports nothing of autotls, and everything else may import it.
 */
package dev.autotls.spi;
