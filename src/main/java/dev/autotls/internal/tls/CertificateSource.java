package dev.autotls.internal.tls;

/**
 * Where the entry of a managed certificate comes from when memory no longer (or not yet) holds it:
 * implemented outside this package (the engine reads the store), and called by
 * {@link CertificateRegistry} only on its own loader threads, never on a handshake's thread.
 */
@FunctionalInterface
public interface CertificateSource {

    /**
     * The entry to serve now for the managed certificate whose first name is {@code firstName}: the
     * one the store holds, or a temporary self-signed one while it holds none that can be served.
     * May block on the store; it is asked once per miss, whatever the number of handshakes waiting.
     *
     * @throws Exception when it cannot say (the store failed): the handshakes waiting fail, the next one asks again
     */
    CertifiedKey load(String firstName) throws Exception;
}
