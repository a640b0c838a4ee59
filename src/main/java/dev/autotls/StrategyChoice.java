package dev.autotls;

import dev.autotls.acme.ChallengeStrategy;
import dev.autotls.challenge.AcmeDnsStrategy;
import dev.autotls.challenge.AutoStrategy;
import dev.autotls.challenge.DnsPersistStrategy;
import dev.autotls.challenge.Http01Strategy;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@code autotls.challenge} into the strategy of each certificate, failing at start
 * with the setting's name when the configuration cannot work for a name (a wildcard with
 * http-01, acme-dns without its URL, http-01 with the HTTP port off).
 */
final class StrategyChoice {
    private static final Logger LOG = LoggerFactory.getLogger(StrategyChoice.class);

    private final AutoTlsConfig config;
    private final Http01Strategy http01;
    private final AcmeDnsStrategy acmeDns;
    private final DnsPersistStrategy persist;

    /** @param acmeDns null when no acme-dns server is configured */
    StrategyChoice(AutoTlsConfig config, Http01Strategy http01, AcmeDnsStrategy acmeDns, DnsPersistStrategy persist) {
        this.config = config;
        this.http01 = http01;
        this.acmeDns = acmeDns;
        this.persist = persist;
    }

    /** Picks the strategy for one certificate's names and says why in one log line. */
    ChallengeStrategy choose(List<String> names) {
        String certificate = String.join(", ", names);
        switch (config.challenge()) {
            case DNS_PERSIST_01:
                LOG.info("{}: validating with dns-persist-01 (as configured).", certificate);
                return persist;
            case ACME_DNS:
                if (acmeDns == null) {
                    throw new ConfigurationException(Setting.CHALLENGE.key() + " = 'acme-dns' needs " + Setting.ACMEDNS_URL.key()
                            + ": the base URL of an acme-dns server, e.g. https://auth.example.org");
                }
                LOG.info("{}: validating with the acme-dns alias at {} (as configured).", certificate, config.acmeDnsUrl().get());
                return acmeDns;
            case HTTP_01:
                requireHttp01(names, "'http-01'");
                LOG.info("{}: validating with http-01 (as configured).", certificate);
                return http01;
            default:
                List<ChallengeStrategy> candidates = new ArrayList<>(List.of(persist));
                if (acmeDns != null) {
                    candidates.add(acmeDns);
                }
                if (config.httpPort() >= 0) {
                    candidates.add(http01);
                }
                AutoStrategy auto = new AutoStrategy(candidates);
                for (String name : names) {
                    ChallengeStrategy.Suitability suitability = auto.suitability(name);
                    if (!suitability.suitable()) {
                        throw new ConfigurationException(Setting.CHALLENGE.key() + " = 'auto': " + suitability.reason());
                    }
                }
                LOG.info("{}: auto will use the first that works of {}, checked before every order.", certificate,
                        candidates.stream().map(ChallengeStrategy::name).collect(java.util.stream.Collectors.joining(", ")));
                return auto;
        }
    }

    private void requireHttp01(List<String> names, String mode) {
        if (config.httpPort() < 0) {
            throw new ConfigurationException(Setting.CHALLENGE.key() + " = " + mode + ": http-01 needs the HTTP port, but "
                    + Setting.HTTP_PORT.key() + " = off; give a port");
        }
        for (String name : names) {
            ChallengeStrategy.Suitability suitability = http01.suitability(name);
            if (!suitability.suitable()) {
                throw new ConfigurationException(Setting.CHALLENGE.key() + " = " + mode + ": " + suitability.reason());
            }
        }
    }
}
