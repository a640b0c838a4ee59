package dev.autotls.internal.acme;

import java.net.URI;
import java.util.Optional;
import java.util.TreeSet;
import org.shredzone.acme4j.Metadata;

/**
 * Whether a CA offers the configured ACME profile, from its directory's {@code meta.profiles}
 * (read when the directory is first fetched, never at start-up). Without a configured profile
 * every CA passes; with one, a CA that lists profiles but not this one is refused before any
 * order, naming the profiles it does list. A CA that lists no profiles at all passes too: it has
 * only its default certificate, so the profile is left out of its orders (see {@link #sent}).
 */
public final class ProfileCheck {
    private ProfileCheck() {
    }

    /** Empty when {@code metadata} allows ordering with {@code profile}, else the sentence for the owner. */
    public static Optional<String> problem(Metadata metadata, Optional<String> profile, URI directory) {
        if (profile.isEmpty()) {
            return Optional.empty();
        }
        if (!metadata.isProfileAllowed()) {
            return Optional.empty();
        }
        String where = "the CA at " + CaFailures.hostAndPort(directory);
        if (!metadata.isProfileAllowed(profile.get())) {
            return Optional.of(where + " does not offer the profile '" + profile.get() + "'; it offers "
                    + String.join(", ", new TreeSet<>(metadata.getProfiles())) + ": set autotls.profile to one of them");
        }
        return Optional.empty();
    }

    /**
     * The profile to put into an order to this CA: {@code profile}, or nothing when the CA lists
     * no profiles (sending one there would only be refused, or ignored).
     */
    static Optional<String> sent(Metadata metadata, Optional<String> profile) {
        return metadata.isProfileAllowed() ? profile : Optional.empty();
    }

    /** Throws {@link CaRefusalException} with {@link #problem}'s sentence, if there is one. */
    static void require(Metadata metadata, Optional<String> profile, URI directory) throws CaRefusalException {
        Optional<String> problem = problem(metadata, profile, directory);
        if (problem.isPresent()) {
            throw new CaRefusalException(problem.get());
        }
    }
}
