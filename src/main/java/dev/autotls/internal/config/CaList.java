package dev.autotls.internal.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import dev.autotls.internal.localca.LocalNames;

/**
 * The CAs certificates are ordered from, in the order of {@code autotls.ca}: the first is
 * preferred, the others are tried in turn for a certificate whose orders keep failing on the
 * one before ({@code autotls.ca.fallback-after}) or that it refuses for good. Every CA has its
 * own account, trust and EAB settings; all share {@code autotls.profile}.
 *
 * @param cas           at least one, at most {@link Setting#MAX_CAS}
 * @param profile       the ACME profile to order, if one is chosen
 * @param fallbackAfter how long one CA may fail for a certificate before the next is tried
 * @param localCa       which certificates the built-in local CA issues instead; with {@link LocalCaUse#ALL}
 *                      the one endpoint is {@link dev.autotls.internal.store.StorageKeys#LOCAL_CA_DIRECTORY}
 */
public record CaList(List<Endpoint> cas, Optional<String> profile, Duration fallbackAfter, LocalCaUse localCa) {
    public CaList {
        cas = List.copyOf(cas);
        if (cas.isEmpty()) {
            throw new IllegalArgumentException("at least one CA");
        }
    }

    public CaList(List<Endpoint> cas, Optional<String> profile, Duration fallbackAfter) {
        this(cas, profile, fallbackAfter, LocalCaUse.OFF);
    }

    /** Whether the certificate of {@code names} is issued by the built-in local CA rather than an ACME CA. */
    public boolean issuedLocally(List<String> names) {
        return switch (localCa) {
            case ALL -> true;
            case LOCAL_NAMES -> LocalNames.allLocal(names);
            case OFF -> names.stream().allMatch(LocalNames::isLocalhost);
        };
    }

    /** The preferred CA. */
    public Endpoint primary() {
        return cas.get(0);
    }

    /**
     * One CA and what its connection needs; {@link #toString} hides the MAC key.
     *
     * @param position   1 for the first CA in {@code autotls.ca}, 2 for the next...
     * @param directory  its ACME directory URL
     * @param trust      extra roots for its own HTTPS
     * @param eabKeyId   its external account binding key id
     * @param eabHmacKey its external account binding MAC key (secret)
     * @param limits     how fast new orders may go to it (its account's queue)
     */
    public record Endpoint(int position, URI directory, Optional<Path> trust, Optional<String> eabKeyId,
                           Optional<String> eabHmacKey, OrderLimits limits) {
        /** A CA without limits of its own. */
        public Endpoint(int position, URI directory, Optional<Path> trust, Optional<String> eabKeyId,
                        Optional<String> eabHmacKey) {
            this(position, directory, trust, eabKeyId, eabHmacKey, OrderLimits.NONE);
        }

        @Override
        public String toString() {
            return "CA " + position + " " + directory + (eabKeyId.isPresent() ? " (EAB set)" : "");
        }
    }
}
