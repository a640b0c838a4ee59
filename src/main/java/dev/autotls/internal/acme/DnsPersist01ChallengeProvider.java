package dev.autotls.internal.acme;

import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.provider.ChallengeProvider;
import org.shredzone.acme4j.provider.ChallengeType;
import org.shredzone.acme4j.toolbox.JSON;

/** Registers {@link DnsPersist01Challenge} with acme4j through its plug-in point (META-INF/services). */
@ChallengeType(DnsPersist01Challenge.TYPE)
public final class DnsPersist01ChallengeProvider implements ChallengeProvider {
    @Override
    public Challenge create(Login login, JSON data) {
        return new DnsPersist01Challenge(login, data);
    }
}
