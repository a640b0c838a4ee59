package dev.autotls.internal.tls;

import java.util.HashMap;
import java.util.Map;

/**
 * The tls-alpn-01 validation certificates (RFC 8737) of the names under validation right now,
 * served only to handshakes that negotiated {@value #ACME_TLS_1}.
 *
 * <p>Contract: {@link #find} and {@link #byAlias} read one immutable snapshot through a
 * volatile field, never block and never do I/O (the handshake path); {@link #put} and
 * {@link #remove} build a new snapshot and swap it whole. An entry is here only between the
 * strategy's {@code present} (or another instance's answer read from the store) and its
 * {@code cleanUp}, so an ordinary handshake can never meet one: they are kept apart from the
 * {@link CertificateRegistry}'s names entirely.
 */
public final class ValidationCertificates {
    /** The ALPN protocol of RFC 8737's validation handshake. */
    public static final String ACME_TLS_1 = "acme-tls/1";

    private record Snapshot(Map<String, CertifiedKey> byName, Map<String, CertifiedKey> byAlias) {
    }

    private volatile Snapshot current = new Snapshot(Map.of(), Map.of());

    /** The validation certificate for {@code serverName} (exact names only: wildcards cannot use tls-alpn-01), or null. */
    CertifiedKey find(String serverName) {
        if (serverName == null || serverName.isEmpty()) {
            return null;
        }
        return current.byName.get(CertificateRegistry.normalize(serverName));
    }

    /** Resolves an alias that {@link RegistryKeyManager} handed out for a validation certificate, or null. */
    CertifiedKey byAlias(String alias) {
        return current.byAlias.get(alias);
    }

    /** Whether {@code name} has a validation certificate now, for diagnostics and tests. */
    public boolean contains(String name) {
        return find(name) != null;
    }

    /** Serves {@code entry} to {@code acme-tls/1} handshakes for {@code name}, replacing any earlier one. */
    public synchronized void put(String name, CertifiedKey entry) {
        Map<String, CertifiedKey> byName = new HashMap<>(current.byName);
        byName.put(CertificateRegistry.normalize(name), entry);
        current = snapshotOf(byName);
    }

    /** Stops answering {@code acme-tls/1} handshakes for {@code name}; nothing happens if none is served. */
    public synchronized void remove(String name) {
        String key = CertificateRegistry.normalize(name);
        if (current.byName.containsKey(key)) {
            Map<String, CertifiedKey> byName = new HashMap<>(current.byName);
            byName.remove(key);
            current = snapshotOf(byName);
        }
    }

    private static Snapshot snapshotOf(Map<String, CertifiedKey> byName) {
        Map<String, CertifiedKey> byAlias = new HashMap<>();
        for (CertifiedKey entry : byName.values()) {
            byAlias.put(entry.alias(), entry);
        }
        return new Snapshot(Map.copyOf(byName), Map.copyOf(byAlias));
    }
}
