package dev.autotls;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * A certificate that is now being served.
 *
 * @param names       the names it covers, as configured
 * @param certificate the new leaf certificate
 * @param took        from the start of the order to the certificate being served
 * @param strategy    the challenge types that proved control ({@code http-01}, {@code dns-01}, {@code dns-persist-01}),
 *                    or {@code reused authorization} when the CA still held a valid one
 */
public record CertificateEvent(List<String> names, X509Certificate certificate, Duration took, String strategy) {
}
