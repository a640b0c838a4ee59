package dev.autotls.spi;

import java.io.IOException;
import java.util.List;

/**
 * Publishes TXT records through DNS the application controls, for ACME's dns-01 challenge:
 * {@code AutoTls.builder().dnsPublisher(...)} validates every name this way (wildcards too).
 *
 * <p>Contract: {@link #publish} replaces all TXT values at {@code name} (a fully qualified
 * {@code _acme-challenge.} name) with {@code values}, and an empty list withdraws them. It
 * returns once the authoritative servers answer with the new values, or throws; autotls then
 * asks the CA to validate. It is called from maintenance threads, for one name at a time per
 * certificate, and must be safe to call for different names at once.
 */
@FunctionalInterface
public interface TxtPublisher {

    /**
     * Replaces the TXT values at {@code name}; an empty {@code values} withdraws them.
     *
     * @throws IOException          when the DNS could not be changed (retried with back-off)
     * @throws InterruptedException when the thread is interrupted while waiting
     */
    void publish(String name, List<String> values) throws IOException, InterruptedException;
}
