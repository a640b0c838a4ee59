package dev.autotls.internal.engine;

import dev.autotls.spi.AutoTlsException;

/**
 * Told by {@link CertificateManager} when the set of certificates changes and when one was
 * looked at, on the thread that did it: for what follows the set (a JMX bean and gauges per
 * certificate, the stages {@code AutoTls.manage} returned). A watcher does little and never
 * blocks; what it throws is not caught.
 */
public interface CertificateWatcher {

    /** {@code certificate} is managed from now on. */
    default void added(ManagedCertificate certificate) {
    }

    /** {@code certificate} is no longer managed (and no longer served). */
    default void removed(ManagedCertificate certificate) {
    }

    /**
     * A job of {@code certificate} ended, or what it serves may have changed (the store sync or
     * its adding served a stored certificate).
     *
     * @param failure why the job failed (owner action, transient, storage), or null when it did not
     */
    default void looked(ManagedCertificate certificate, AutoTlsException failure) {
    }
}
