package dev.autotls;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * A certificate that is now being served. An interface that autotls implements and listeners
 * only read: accessors may be added in later versions, so do not implement it.
 */
public interface CertificateEvent {

    /** The names it covers, as configured. */
    List<String> names();

    /** The new leaf certificate. */
    X509Certificate certificate();

    /** From the start of the order to the certificate being served. */
    Duration took();

    /**
     * The challenge types that proved control ({@code http-01}, {@code dns-01}, {@code dns-persist-01}, ...),
     * or {@code reused authorization} when the CA still held a valid one.
     */
    String strategy();
}
