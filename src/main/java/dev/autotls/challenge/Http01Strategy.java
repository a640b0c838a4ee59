package dev.autotls.challenge;

import dev.autotls.acme.ChallengeStrategy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.challenge.Http01Challenge;

/**
 * http-01: the CA fetches {@code http://<name>/.well-known/acme-challenge/<token>} on port
 * 80 (or the port the CA is configured with). Works for names that resolve to this host
 * and whose port 80 reaches it; never for wildcards. The answers live in memory only;
 * the HTTP side ({@code dev.autotls.jetty}) serves them through {@link #keyAuthorization}.
 */
public final class Http01Strategy implements ChallengeStrategy {
    public static final String NAME = "http-01";

    private final Map<String, String> answers = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> challengeTypes() {
        return List.of(Http01Challenge.TYPE);
    }

    @Override
    public Suitability suitability(String name) {
        if (name.startsWith("*.")) {
            return Suitability.no("http-01 cannot validate the wildcard " + name
                    + "; use dns-persist-01 or an acme-dns alias for wildcards");
        }
        return Suitability.yes();
    }

    @Override
    public void present(List<PendingChallenge> challenges, Login login) {
        for (PendingChallenge pending : challenges) {
            Http01Challenge challenge = (Http01Challenge) pending.challenge();
            answers.put(challenge.getToken(), challenge.getAuthorization());
        }
    }

    @Override
    public void cleanUp(List<PendingChallenge> challenges) {
        for (PendingChallenge pending : challenges) {
            answers.remove(((Http01Challenge) pending.challenge()).getToken());
        }
    }

    /** The key authorization to answer for {@code token}, if a challenge with that token is being validated. */
    public Optional<String> keyAuthorization(String token) {
        return Optional.ofNullable(answers.get(token));
    }
}
