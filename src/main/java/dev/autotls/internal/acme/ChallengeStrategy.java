package dev.autotls.internal.acme;

import dev.autotls.internal.names.IpAddresses;
import dev.autotls.spi.AutoTlsException;
import java.io.IOException;
import java.util.List;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.exception.AcmeException;

/**
 * Proves control of names to the CA. The order flow knows strategies only through this
 * interface; implementations live in {@code dev.autotls.challenge}.
 *
 * <p>Contract for one order: {@link #present} gets every challenge of the order at once
 * (so a base name and its wildcard can be published together), {@link #awaitVisible}
 * returns when the CA can see them, and {@link #cleanUp} is always called afterwards, also
 * after a failure, and must be idempotent.
 */
public interface ChallengeStrategy {

    /** The configuration name, e.g. {@code http-01}. */
    String name();

    /** The ACME challenge types this strategy answers, in order of preference. */
    List<String> challengeTypes();

    /**
     * Whether this strategy can validate {@code name} at all ({@code *.}-names are wildcards);
     * if not, {@code reason} explains why in one sentence.
     */
    Suitability suitability(String name);

    /**
     * The DNS records the owner must create once for these names (one certificate's names),
     * as zone-file lines; empty when none are needed. May register with a service, never orders.
     */
    default List<String> requiredRecords(List<String> names) throws AutoTlsException, IOException, AcmeException, InterruptedException {
        return List.of();
    }

    /**
     * Checks, before any order, that validation can succeed for these names; throws with
     * what the owner must do when it cannot yet. The default checks nothing.
     */
    default void preflight(List<String> names) throws AutoTlsException, IOException, AcmeException, InterruptedException {
    }

    /** Makes the answers to these challenges available. */
    void present(List<PendingChallenge> challenges, Login login) throws AutoTlsException, IOException, AcmeException, InterruptedException;

    /** Waits until the CA can see what {@link #present} published. */
    default void awaitVisible(List<PendingChallenge> challenges) throws AutoTlsException, IOException, AcmeException, InterruptedException {
    }

    /** Withdraws what {@link #present} published. Always called; idempotent. */
    void cleanUp(List<PendingChallenge> challenges);

    /** The distinct base names of {@code names} ({@code *.example.com} counts as {@code example.com}), in order. */
    static java.util.Set<String> baseNames(List<String> names) {
        java.util.Set<String> bases = new java.util.LinkedHashSet<>();
        for (String name : names) {
            bases.add(name.startsWith("*.") ? name.substring(2) : name);
        }
        return bases;
    }

    /** One challenge to answer: the name it is for and acme4j's challenge object. */
    record PendingChallenge(String name, boolean wildcard, Challenge challenge) {
        /** The name without a leading {@code *.}, as it appears in the authorization. */
        public String baseName() {
            return name.startsWith("*.") ? name.substring(2) : name;
        }
    }

    /** Whether a strategy can serve a name, and why not when it cannot. */
    record Suitability(boolean suitable, String reason) {
        public static Suitability yes() {
            return new Suitability(true, "");
        }

        public static Suitability no(String reason) {
            return new Suitability(false, reason);
        }

        /**
         * What a strategy that proves control through DNS answers: yes for a domain name, no for an
         * IP address, which has no zone to put a record in; a CA validates an address only by
         * connecting to it (RFC 8738 allows http-01 and tls-alpn-01).
         */
        public static Suitability throughDns(String name) {
            if (!IpAddresses.isAddress(name)) {
                return yes();
            }
            return no(name + " is an IP address, and a CA validates an address only by connecting to it (http-01 or "
                    + "tls-alpn-01), never through DNS; validate it with auto, http-01 or tls-alpn-01, or leave " + name
                    + " out of the names");
        }
    }
}
