package dev.autotls.internal.challenge;

import java.net.InetSocketAddress;

/**
 * Where and how the RFC 2136 alias strategy writes: the primary server of the alias zone
 * ({@code autotls.rfc2136.server}), the alias zone ({@code autotls.rfc2136.zone}, lower case,
 * no trailing dot) and the TSIG key ({@code autotls.rfc2136.tsig} or {@code .tsig-file}).
 * {@link #toString} never shows the secret.
 */
public record Rfc2136Settings(InetSocketAddress server, String zone, TsigKey key) {

    /** The name where the TXT values for {@code baseName} are written: {@code <baseName>.<zone>}. */
    public String aliasOf(String baseName) {
        return baseName + "." + zone;
    }

    /** {@code host:port} of the primary, as configured (not resolved). */
    public String serverText() {
        return server.getHostString() + ":" + server.getPort();
    }
}
