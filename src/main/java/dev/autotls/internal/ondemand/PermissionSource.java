package dev.autotls.internal.ondemand;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;

/** Who is asked whether a name may be obtained on demand: the {@code ask} URL, or the check given in code. */
@FunctionalInterface
interface PermissionSource {
    /**
     * Asks once; the stage always completes (never exceptionally), within the source's own bound.
     *
     * @param client null when asked at renewal
     */
    CompletableFuture<PermissionAnswer> ask(String name, InetAddress client);
}
