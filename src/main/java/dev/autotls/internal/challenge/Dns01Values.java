package dev.autotls.internal.challenge;

import dev.autotls.internal.acme.ChallengeStrategy.PendingChallenge;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.shredzone.acme4j.challenge.Dns01Challenge;

/**
 * The TXT values of dns-01 challenges grouped by base name, once for every strategy that
 * publishes them (acme-dns, RFC 2136, an application's publisher): a name and its wildcard
 * are validated at the same {@code _acme-challenge} name, so their values go out together.
 */
final class Dns01Values {
    private Dns01Values() {
    }

    /** Base name to its distinct TXT values, in the order of {@code challenges}. */
    static Map<String, List<String>> byBase(List<PendingChallenge> challenges) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (PendingChallenge pending : challenges) {
            List<String> atBase = values.computeIfAbsent(pending.baseName(), base -> new ArrayList<>());
            String digest = ((Dns01Challenge) pending.challenge()).getDigest();
            if (!atBase.contains(digest)) {
                atBase.add(digest);
            }
        }
        return values;
    }
}
