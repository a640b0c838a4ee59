package dev.autotls.internal.challenge;

import dev.autotls.internal.acme.ChallengeStrategy;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * http-01: the CA fetches {@code http://<name>/.well-known/acme-challenge/<token>} on port
 * 80 (or the port the CA is configured with). Works for names that resolve to this host
 * and whose port 80 reaches it; never for wildcards.
 *
 * <p>The answers are kept in memory and in the shared store, because behind a load balancer
 * the CA's request may reach any instance of the site: {@link #keyAuthorization} answers
 * from memory first, then from the store. They are removed from both when the order ends.
 */
public final class Http01Strategy implements ChallengeStrategy {
    public static final String NAME = "http-01";
    private static final Logger LOG = LoggerFactory.getLogger(Http01Strategy.class);

    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final CertificateStore store;

    public Http01Strategy(CertificateStore store) {
        this.store = store;
    }

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
    public void present(List<PendingChallenge> challenges, Login login) throws IOException, StorageException {
        for (PendingChallenge pending : challenges) {
            Http01Challenge challenge = (Http01Challenge) pending.challenge();
            answers.put(challenge.getToken(), challenge.getAuthorization());
            String key = StorageKeys.httpToken(challenge.getToken()).orElseThrow(() -> new IOException(
                    "the CA sent an http-01 token that is not base64url: " + challenge.getToken()));
            // the order waits for this write: the CA may ask another instance as soon as it is triggered
            try {
                store.save(key, challenge.getAuthorization().getBytes(StandardCharsets.US_ASCII),
                        CertificateStore.Sensitivity.PUBLIC);
            } catch (IOException e) {
                // the store's failure, not the CA's: retried as storage, and never moves orders to another CA
                throw new StorageException("could not store the http-01 answer for " + pending.name(), e);
            }
        }
    }

    @Override
    public void cleanUp(List<PendingChallenge> challenges) {
        for (PendingChallenge pending : challenges) {
            String token = ((Http01Challenge) pending.challenge()).getToken();
            answers.remove(token);
            Optional<String> key = StorageKeys.httpToken(token);
            if (key.isPresent()) {
                try {
                    store.delete(key.get());
                } catch (IOException e) {
                    // a stale answer is harmless: it only ever matches its own token
                    LOG.debug("could not remove the http-01 answer {} from the store: {}", token, e.toString());
                }
            }
        }
    }

    /** The key authorization to answer for {@code token}, if a challenge with that token is being validated by any instance. */
    public Optional<String> keyAuthorization(String token) {
        String local = answers.get(token);
        if (local != null) {
            return Optional.of(local);
        }
        Optional<String> key = StorageKeys.httpToken(token);
        if (key.isEmpty()) {
            return Optional.empty();
        }
        try {
            return store.load(key.get()).map(bytes -> new String(bytes, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            LOG.warn("Could not read the http-01 answer for token {} from the store ({}); answering 404.", token, e.getMessage());
            return Optional.empty();
        }
    }
}
