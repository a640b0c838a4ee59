package dev.autotls.internal.acme;

import dev.autotls.internal.names.IpAddresses;
import java.net.URI;
import java.util.Collection;
import java.util.Optional;
import java.util.TreeSet;
import org.shredzone.acme4j.Metadata;

/**
 * Whether a CA offers the configured ACME profile, from its directory's {@code meta.profiles}
 * (read when the directory is first fetched, never at start-up). Without a configured profile
 * every CA passes; with one, a CA that lists profiles but not this one is refused before any
 * order, naming the profiles it does list. A CA that lists no profiles at all passes too: it has
 * only its default certificate, so the profile is left out of its orders (see {@link #sent}).
 *
 * <p>Without a configured profile, a certificate that includes an IP address is ordered under
 * {@value #FOR_ADDRESSES} when the CA lists it: Let's Encrypt certifies addresses under that
 * profile only, and its default would be refused. A CA that lists profiles without it is
 * refused before any order, naming what it offers; a CA that lists none gets the order without
 * one, as before.
 */
public final class ProfileCheck {
    /** The profile under which CAs certify IP addresses (Let's Encrypt since January 2026, with lifetimes of about 160 h). */
    public static final String FOR_ADDRESSES = "shortlived";

    private ProfileCheck() {
    }

    /**
     * The profile to put into the order for {@code names} at this CA: the configured one (when the CA
     * lists profiles), {@value #FOR_ADDRESSES} for addresses when none is configured and the CA lists
     * it, else none.
     *
     * @throws CaRefusalException when the CA lists profiles but not the configured one, or, for
     *                            addresses with no profile configured, not {@value #FOR_ADDRESSES}
     */
    static Optional<String> forOrder(Metadata metadata, Optional<String> profile, Collection<String> names, URI directory)
            throws CaRefusalException {
        require(metadata, profile, directory);
        if (profile.isPresent() || !metadata.isProfileAllowed()) {
            return sent(metadata, profile);
        }
        Optional<String> address = names.stream().filter(IpAddresses::isAddress).findFirst();
        if (address.isEmpty()) {
            return Optional.empty();
        }
        if (metadata.isProfileAllowed(FOR_ADDRESSES)) {
            return Optional.of(FOR_ADDRESSES);
        }
        throw new CaRefusalException(address.get() + " is an IP address, which CAs certify only under a short-lived profile, "
                + "but the CA at " + CaFailures.hostAndPort(directory) + " offers no '" + FOR_ADDRESSES + "' profile (it offers "
                + String.join(", ", new TreeSet<>(metadata.getProfiles())) + "); set autotls.profile to the one of them that "
                + "allows IP addresses, or use a CA that offers " + FOR_ADDRESSES);
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

    /** Empty when the order for {@code names} can go to this CA, else {@link #forOrder}'s sentence for the owner. */
    public static Optional<String> problem(Metadata metadata, Optional<String> profile, Collection<String> names, URI directory) {
        try {
            forOrder(metadata, profile, names, directory);
            return Optional.empty();
        } catch (CaRefusalException refused) {
            return Optional.of(refused.getMessage());
        }
    }

    /** Throws {@link CaRefusalException} with {@link #problem}'s sentence, if there is one. */
    static void require(Metadata metadata, Optional<String> profile, URI directory) throws CaRefusalException {
        Optional<String> problem = problem(metadata, profile, directory);
        if (problem.isPresent()) {
            throw new CaRefusalException(problem.get());
        }
    }
}
