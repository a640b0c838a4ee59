package dev.autotls.internal.challenge;

import dev.autotls.internal.acme.ChallengeStrategy;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.TxtPublisher;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.exception.AcmeException;

/**
 * dns-01 through a {@link TxtPublisher} the embedding code provides: it writes the
 * {@code _acme-challenge} TXT values wherever the names' authoritative answers come from.
 * The built-in acme-dns responder uses it to validate its own API certificate from its
 * own zone. All values for one name (a base and its wildcard) are published together.
 */
public final class Dns01Strategy implements ChallengeStrategy {
    public static final String NAME = "dns-01";

    private final TxtPublisher publisher;

    public Dns01Strategy(TxtPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> challengeTypes() {
        return List.of(Dns01Challenge.TYPE);
    }

    @Override
    public Suitability suitability(String name) {
        return Suitability.throughDns(name);
    }

    @Override
    public void present(List<PendingChallenge> challenges, Login login) throws AutoTlsException, IOException, AcmeException, InterruptedException {
        for (Map.Entry<String, List<String>> record : records(challenges).entrySet()) {
            publisher.publish(record.getKey(), record.getValue());
        }
    }

    @Override
    public void cleanUp(List<PendingChallenge> challenges) {
        for (String name : records(challenges).keySet()) {
            try {
                publisher.publish(name, List.of());
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(Dns01Strategy.class).warn("Could not withdraw the TXT record at {}: {}", name,
                        e.toString());
            }
        }
    }

    private static Map<String, List<String>> records(List<PendingChallenge> challenges) {
        Map<String, List<String>> records = new LinkedHashMap<>();
        Dns01Values.byBase(challenges).forEach((base, digests) -> records.put("_acme-challenge." + base, digests));
        return records;
    }
}
