package dev.autotls.acme;

import java.net.URI;
import java.util.Optional;
import java.util.TreeSet;
import org.shredzone.acme4j.Metadata;

/**
 * Whether a CA offers the configured ACME profile, from its directory's {@code meta.profiles}
 * (read when the directory is first fetched, never at start-up). Without a configured profile
 * every CA passes; with one, a CA that does not list it is refused before any order, naming the
 * profiles it does list.
 */
public final class ProfileCheck {
    private ProfileCheck() {
    }

    /** Empty when {@code metadata} allows ordering with {@code profile}, else the sentence for the owner. */
    public static Optional<String> problem(Metadata metadata, Optional<String> profile, URI directory) {
        if (profile.isEmpty()) {
            return Optional.empty();
        }
        String where = "the CA at " + CaFailures.hostAndPort(directory);
        if (!metadata.isProfileAllowed()) {
            return Optional.of(where + " offers no profiles, so autotls.profile=" + profile.get() + " cannot be ordered; "
                    + "unset autotls.profile for this CA, or choose a CA that offers it");
        }
        if (!metadata.isProfileAllowed(profile.get())) {
            return Optional.of(where + " does not offer the profile '" + profile.get() + "'; it offers "
                    + String.join(", ", new TreeSet<>(metadata.getProfiles())) + ": set autotls.profile to one of them");
        }
        return Optional.empty();
    }

    /** Throws {@link CaRefusalException} with {@link #problem}'s sentence, if there is one. */
    static void require(Metadata metadata, Optional<String> profile, URI directory) throws CaRefusalException {
        Optional<String> problem = problem(metadata, profile, directory);
        if (problem.isPresent()) {
            throw new CaRefusalException(problem.get());
        }
    }
}
