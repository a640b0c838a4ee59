package dev.autotls;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiPredicate;

/**
 * Decides whether a name a TLS client asked for may get a certificate on demand
 * ({@link AutoTls.Builder#onDemand}). Asked only for a syntactically valid DNS name of at most 253
 * characters that is not managed yet, never for a wildcard, an IP address or a handshake without
 * SNI, and at most once per name while its answer is cached (yes for 10 minutes, no for 1 minute).
 *
 * <p>Contract: answer {@code true} only for names you serve (a customer's domain pointed at you):
 * each yes places an order with the CA, whose limits are per account. The stage should complete
 * within {@code autotls.on-demand.wait}; a stage that completes later, completes exceptionally or
 * with null, and a check that throws, count as no. It is called on a small pool of autotls's own
 * threads (never the handshake's), so a check that blocks holds one of them: one that needs I/O should
 * return a stage it completes elsewhere; use {@link #of} for an answer from memory. It must be safe
 * to call from several threads at once.
 */
@FunctionalInterface
public interface OnDemandPermission {

    /**
     * Whether {@code name} may get a certificate.
     *
     * @param name   the name the client sent, in lower case ASCII ({@code xn--} for an international one), no trailing dot
     * @param client the address of the client whose handshake asks, as the connection shows it (no DNS look-up); null when
     *               asked again at renewal, where no client asks
     * @return completes with {@code true} to allow it
     */
    CompletionStage<Boolean> allowed(String name, InetAddress client);

    /** A check that answers at once, from memory. */
    static OnDemandPermission of(BiPredicate<String, InetAddress> check) {
        return (name, client) -> CompletableFuture.completedFuture(check.test(name, client));
    }
}
