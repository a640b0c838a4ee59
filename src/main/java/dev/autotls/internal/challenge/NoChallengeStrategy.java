package dev.autotls.internal.challenge;

import dev.autotls.internal.acme.ChallengeStrategy;
import java.util.List;
import org.shredzone.acme4j.Login;

/**
 * The strategy of a certificate the built-in local CA issues: it asks for no proof of control, so
 * nothing is checked before an order, nothing is published and no DNS record is required. Never
 * offered for a certificate an ACME CA issues.
 */
public final class NoChallengeStrategy implements ChallengeStrategy {
    public static final String NAME = "none (local CA)";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> challengeTypes() {
        return List.of();
    }

    @Override
    public Suitability suitability(String name) {
        return Suitability.yes();
    }

    @Override
    public void present(List<PendingChallenge> challenges, Login login) {
        throw new IllegalStateException("the local CA has no challenges to present; an ACME CA was given a local certificate");
    }

    @Override
    public void cleanUp(List<PendingChallenge> challenges) {
    }
}
