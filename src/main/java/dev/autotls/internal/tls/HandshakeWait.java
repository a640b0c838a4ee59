package dev.autotls.internal.tls;

/**
 * The one place a handshake may wait (on-demand TLS): asked by {@link RegistryKeyManager} when a
 * handshake sends a server name the registry has no certificate for, or only a temporary
 * self-signed one. Implemented outside this package (it asks a permission check and the engine);
 * bounded by {@code autotls.on-demand.wait} and by how many handshakes may wait at once.
 */
@FunctionalInterface
public interface HandshakeWait {

    /**
     * The entry to serve for {@code name}, waiting for it if it is being obtained on demand.
     *
     * @param name       the server name the client sent (as sent: not yet checked)
     * @param found      what the registry holds for it now: null, or a temporary self-signed entry
     * @param clientHost the client's address as the connection shows it (no DNS look-up), or null when unknown
     * @return the entry to serve: {@code found} when on demand has nothing to do with the name, a CA-issued one
     *         once it is obtained, or null to fail the handshake (refused, not obtained in time)
     */
    CertifiedKey serve(String name, CertifiedKey found, String clientHost);
}
