package dev.autotls.internal.engine;

import dev.autotls.ConfigurationException;
import dev.autotls.Setting;
import dev.autotls.internal.acme.AcmeClient;
import dev.autotls.internal.acme.ChallengeStrategy;
import dev.autotls.internal.challenge.AcmeDnsClient;
import dev.autotls.internal.challenge.AcmeDnsStrategy;
import dev.autotls.internal.challenge.AutoStrategy;
import dev.autotls.internal.challenge.DnsPersistStrategy;
import dev.autotls.internal.challenge.Http01Strategy;
import dev.autotls.internal.challenge.NoChallengeStrategy;
import dev.autotls.internal.challenge.Rfc2136Strategy;
import dev.autotls.internal.challenge.TlsAlpn01Strategy;
import dev.autotls.internal.config.AutoTlsConfig;
import dev.autotls.internal.config.DomainNames;
import dev.autotls.internal.config.LocalCaUse;
import dev.autotls.internal.dns.AuthoritativeDns;
import dev.autotls.internal.tls.CertificateRegistry;
import dev.autotls.spi.CertificateStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@code autotls.challenge} into the strategy of each certificate, failing at start
 * with the setting's name when the configuration cannot work for a name (a wildcard with
 * http-01 or tls-alpn-01, an IP address with a DNS-based strategy, acme-dns without its URL,
 * http-01 with the HTTP port off). {@code auto} offers tls-alpn-01 in http-01's place when the
 * HTTP port is off, and for an IP address only that one of the two (RFC 8738: an address is
 * validated by connecting to it). The RFC 2136 settings were checked together when the
 * configuration was read.
 */
public final class StrategyChoice {
    private static final Logger LOG = LoggerFactory.getLogger(StrategyChoice.class);

    private static final ChallengeStrategy LOCAL_CA = new NoChallengeStrategy();

    private final AutoTlsConfig config;
    private final Http01Strategy http01;
    private final TlsAlpn01Strategy tlsAlpn;
    private final AcmeDnsStrategy acmeDns;
    private final DnsPersistStrategy persist;
    private final Rfc2136Strategy rfc2136;

    /**
     * @param acmeDns null when no acme-dns server is configured
     * @param rfc2136 null when the {@code autotls.rfc2136.*} settings are not given
     */
    StrategyChoice(AutoTlsConfig config, Http01Strategy http01, TlsAlpn01Strategy tlsAlpn, AcmeDnsStrategy acmeDns,
                   DnsPersistStrategy persist, Rfc2136Strategy rfc2136) {
        this.config = config;
        this.http01 = http01;
        this.tlsAlpn = tlsAlpn;
        this.acmeDns = acmeDns;
        this.persist = persist;
        this.rfc2136 = rfc2136;
    }

    /** Makes every strategy the configuration allows, each over this instance's store, CA client and DNS client. */
    public static StrategyChoice wire(AutoTlsConfig config, CertificateStore store, AcmeClient acme, AuthoritativeDns dns,
                               CertificateRegistry registry, Clock clock) {
        AcmeDnsStrategy acmeDns = config.acmeDnsUrl()
                .map(url -> new AcmeDnsStrategy(new AcmeDnsClient(url, config.proxy()), store, dns)).orElse(null);
        Rfc2136Strategy rfc2136 = config.rfc2136().map(settings -> new Rfc2136Strategy(settings, dns)).orElse(null);
        return new StrategyChoice(config, new Http01Strategy(store),
                new TlsAlpn01Strategy(store, registry.validations(), config.domains()), acmeDns,
                new DnsPersistStrategy(acme, dns, clock, config.persistUntil()), rfc2136);
    }

    /** The http-01 strategy, whose answers the plain connector's handler serves. */
    public Http01Strategy http01() {
        return http01;
    }

    /** The tls-alpn-01 strategy, whose answers stored by other instances this one polls for. */
    public TlsAlpn01Strategy tlsAlpn() {
        return tlsAlpn;
    }

    /** A strategy and why it was chosen, in words for the log and the status. */
    record Choice(ChallengeStrategy strategy, String reason) {
    }

    /** The configured names grouped into certificates, each with its strategy ({@code override} for all, when given). */
    public List<ManagedCertificate> certificates(ChallengeStrategy override) {
        List<ManagedCertificate> certificates = new ArrayList<>();
        // one log line per reason, not per certificate: a site with 10,000 names gets a line, not 10,000
        java.util.Map<String, List<String>> firstNamesByReason = new java.util.LinkedHashMap<>();
        for (List<String> names : DomainNames.certificates(config.domains())) {
            Choice chosen = choose(names, override);
            certificates.add(new ManagedCertificate(names, chosen.strategy(), chosen.reason()));
            firstNamesByReason.computeIfAbsent(chosen.reason(), reason -> new ArrayList<>()).add(String.join(", ", names));
        }
        firstNamesByReason.forEach((reason, which) -> LOG.info("{}: {}.", listed(which), reason));
        return certificates;
    }

    /**
     * One certificate for {@code names} (grouped as configuration groups them), chosen as for the
     * configured ones: for names managed at run time.
     *
     * @param origin where each name came from
     * @throws ConfigurationException when no allowed strategy can validate one of the names
     */
    public ManagedCertificate certificate(List<String> names, java.util.function.Function<String, dev.autotls.CertificateStatus.Origin> origin,
                                          ChallengeStrategy override) {
        Choice chosen = choose(names, override);
        return new ManagedCertificate(names, origin, chosen.strategy(), chosen.reason());
    }

    /**
     * The certificate of a name obtained on demand: validated by connecting to this server whatever
     * {@code autotls.challenge} says (what {@code auto} chooses for a name with no DNS records: http-01,
     * or tls-alpn-01 when the HTTP port is off), as nobody created records for it; the local CA's when
     * it issues the name.
     *
     * @throws ConfigurationException when neither can validate the name
     */
    public ManagedCertificate onDemandCertificate(List<String> names,
                                                  java.util.function.Function<String, dev.autotls.CertificateStatus.Origin> origin) {
        Choice chosen;
        if (config.cas().issuedLocally(names)) {
            chosen = local();
        } else {
            boolean alpnInsteadOfHttp = config.httpPort() < 0;
            ChallengeStrategy strategy = alpnInsteadOfHttp ? tlsAlpn : http01;
            requireSuitable(strategy, names, "on demand with " + strategy.name());
            chosen = new Choice(new AutoStrategy(List.of(strategy)), "obtained on demand, validated with " + strategy.name()
                    + (alpnInsteadOfHttp ? " (tls-alpn-01 instead of http-01, because " + Setting.HTTP_PORT.key() + " = off)" : ""));
        }
        return new ManagedCertificate(names, origin, chosen.strategy(), chosen.reason());
    }

    private Choice choose(List<String> names, ChallengeStrategy override) {
        return config.cas().issuedLocally(names) ? local()
                : override != null ? given(override, names)
                : pick(names);
    }

    /** Whether some certificate may be validated by tls-alpn-01, so answers other instances store must be looked for. */
    public boolean mayUseTlsAlpn() {
        return config.challenge() == dev.autotls.internal.config.ChallengeMode.TLS_ALPN_01
                || (config.challenge() == dev.autotls.internal.config.ChallengeMode.AUTO && config.httpPort() < 0);
    }

    /** The certificates of one log line: all of them when few, else the first three and how many more. */
    private static String listed(List<String> certificates) {
        int shown = 3;
        if (certificates.size() <= shown + 1) {
            return String.join("; ", certificates);
        }
        return String.join("; ", certificates.subList(0, shown)) + " and " + (certificates.size() - shown) + " more certificates";
    }

    /** A certificate of the built-in local CA proves nothing: said once, with why it goes there. */
    private Choice local() {
        return new Choice(LOCAL_CA, switch (config.cas().localCa()) {
            case ALL -> "issued by the built-in local CA (" + Setting.CA.key() + " = local), no challenge";
            case LOCAL_NAMES -> "issued by the built-in local CA, no challenge: every name is local and " + Setting.CA.key()
                    + " is not set (other names go to " + config.caDirectory() + ")";
            case OFF -> "issued by the built-in local CA, no challenge: no ACME CA can validate localhost";
        });
    }

    /** The strategy the application gave in code, refused at start for a name it says it cannot validate. */
    private static Choice given(ChallengeStrategy override, List<String> names) {
        for (String name : names) {
            ChallengeStrategy.Suitability suitability = override.suitability(name);
            if (!suitability.suitable()) {
                throw new ConfigurationException("the challenge strategy given in code (" + override.name() + "): "
                        + suitability.reason());
            }
        }
        return new Choice(override, "validating with " + override.name() + " (given in code)");
    }

    private Choice pick(List<String> names) {
        switch (config.challenge()) {
            case DNS_PERSIST_01:
                requireSuitable(persist, names, "'dns-persist-01'");
                return new Choice(persist, "validating with dns-persist-01 (as configured)");
            case ACME_DNS:
                if (acmeDns == null) {
                    throw new ConfigurationException(Setting.CHALLENGE.key() + " = 'acme-dns' needs " + Setting.ACMEDNS_URL.key()
                            + ": the base URL of an acme-dns server, e.g. https://auth.example.org");
                }
                requireSuitable(acmeDns, names, "'acme-dns'");
                return new Choice(acmeDns, "validating with the acme-dns alias at " + config.acmeDnsUrl().get()
                        + " (as configured)");
            case RFC2136:
                // Rfc2136Config refused a configuration without server, zone and key, so it is there
                requireSuitable(rfc2136, names, "'rfc2136'");
                return new Choice(rfc2136, "validating with the RFC 2136 alias into " + config.rfc2136().get().zone()
                        + " at " + config.rfc2136().get().serverText() + " (as configured)");
            case HTTP_01:
                requireHttp01(names, "'http-01'");
                return new Choice(http01, "validating with http-01 (as configured)");
            case TLS_ALPN_01:
                requireSuitable(tlsAlpn, names, "'tls-alpn-01'");
                return new Choice(tlsAlpn, "validating with tls-alpn-01 on the HTTPS port (as configured)");
            default:
                if (names.stream().anyMatch(DomainNames::isAddress)) {
                    return byConnection(names);
                }
                List<ChallengeStrategy> candidates = new ArrayList<>(List.of(persist));
                if (acmeDns != null) {
                    candidates.add(acmeDns);
                }
                if (rfc2136 != null) {
                    candidates.add(rfc2136);
                }
                boolean alpnInsteadOfHttp = config.httpPort() < 0;
                // tls-alpn-01 only where http-01 cannot: with port 80 open, http-01 stays as before
                candidates.add(alpnInsteadOfHttp ? tlsAlpn : http01);
                AutoStrategy auto = new AutoStrategy(candidates);
                for (String name : names) {
                    ChallengeStrategy.Suitability suitability = auto.suitability(name);
                    if (!suitability.suitable()) {
                        throw new ConfigurationException(Setting.CHALLENGE.key() + " = 'auto': " + suitability.reason());
                    }
                }
                return new Choice(auto, "auto will use the first that works of " + candidates.stream()
                        .map(ChallengeStrategy::name).collect(java.util.stream.Collectors.joining(", "))
                        + ", checked before every order"
                        + (alpnInsteadOfHttp ? " (tls-alpn-01 instead of http-01, because " + Setting.HTTP_PORT.key()
                                + " = off)" : ""));
        }
    }

    /**
     * {@code auto} for a certificate of an IP address (always alone, see {@link DomainNames#certificates}):
     * no DNS-based candidate, as none can prove an address; http-01, or tls-alpn-01 when the HTTP port is off.
     */
    private Choice byConnection(List<String> names) {
        boolean alpnInsteadOfHttp = config.httpPort() < 0;
        ChallengeStrategy strategy = alpnInsteadOfHttp ? tlsAlpn : http01;
        return new Choice(new AutoStrategy(List.of(strategy)), "auto will use " + strategy.name()
                + ", as a CA validates an IP address only by connecting to it"
                + (alpnInsteadOfHttp ? " (tls-alpn-01 instead of http-01, because " + Setting.HTTP_PORT.key() + " = off)" : ""));
    }

    private void requireHttp01(List<String> names, String mode) {
        if (config.httpPort() < 0) {
            throw new ConfigurationException(Setting.CHALLENGE.key() + " = " + mode + ": http-01 needs the HTTP port, but "
                    + Setting.HTTP_PORT.key() + " = off; give a port");
        }
        requireSuitable(http01, names, mode);
    }

    private static void requireSuitable(ChallengeStrategy strategy, List<String> names, String mode) {
        for (String name : names) {
            ChallengeStrategy.Suitability suitability = strategy.suitability(name);
            if (!suitability.suitable()) {
                throw new ConfigurationException(Setting.CHALLENGE.key() + " = " + mode + ": " + suitability.reason());
            }
        }
    }
}
