package dev.autotls.internal.challenge;

import dev.autotls.internal.acme.ChallengeStrategy;
import dev.autotls.internal.acme.NotTheCaException;
import dev.autotls.internal.acme.PreflightException;
import dev.autotls.internal.dns.AuthoritativeDns;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.TransientException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CNAME alias into a zone of the owner's own DNS, written with RFC 2136 updates: the owner
 * creates {@code _acme-challenge.<name>. CNAME <name>.<alias zone>.} once (a wildcard shares
 * its base's), and limits the TSIG key this host holds to TXT records in the alias zone
 * ({@code update-policy { grant <key> zonesub TXT; };}), so the key can never change the real
 * zone.
 *
 * <p>Before any order the CNAME is checked at the base name's authoritative servers and the key
 * with a signed update that changes nothing; while either is wrong no order is placed. The TXT
 * values of a base and its wildcard are added together at {@code <name>.<alias zone>}, the
 * strategy waits until the primary and every server in the alias zone's NS set answer them, and
 * afterwards removes exactly the values it added (nothing else at that name is touched).
 */
public final class Rfc2136Strategy implements ChallengeStrategy {
    public static final String NAME = "rfc2136";
    private static final Logger LOG = LoggerFactory.getLogger(Rfc2136Strategy.class);
    private static final Duration VISIBLE_TIMEOUT = Duration.ofMinutes(2);
    /** Short: the values live for one validation, and a resolver should not keep an old one for the next. */
    private static final long TTL_SECONDS = 60;

    private final Rfc2136Settings settings;
    private final Rfc2136Updates updates;
    private final AuthoritativeDns dns;

    public Rfc2136Strategy(Rfc2136Settings settings, AuthoritativeDns dns) {
        this.settings = settings;
        this.updates = new Rfc2136Updates(settings);
        this.dns = dns;
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

    /**
     * A comment saying what the lines enable, one CNAME per base name, then (as comments) the
     * {@code zone} statement that limits the key, for the alias zone's named.conf.
     */
    @Override
    public List<String> requiredRecords(List<String> names) {
        List<String> lines = new ArrayList<>();
        lines.add("; for " + NAME + " " + purpose(settings) + ", add once:");
        for (String base : ChallengeStrategy.baseNames(names)) {
            lines.add(record(base));
        }
        lines.add("; and in the named.conf of " + settings.serverText() + ", limit the key to TXT records in "
                + settings.zone() + ":");
        lines.add("; zone \"" + settings.zone() + "\" { type primary; file \"" + settings.zone()
                + ".zone\"; update-policy { grant " + settings.key().name() + " zonesub TXT; }; };");
        return lines;
    }

    /** What this strategy is for, in the words of {@code records}' comment lines. */
    private static String purpose(Rfc2136Settings settings) {
        return "(this host's TSIG key " + settings.key().name() + " can change only TXT records in " + settings.zone()
                + ", wildcards too)";
    }

    private String record(String base) {
        return "_acme-challenge." + base + ". CNAME " + settings.aliasOf(base) + ".";
    }

    @Override
    public void preflight(List<String> names) throws AutoTlsException, IOException, InterruptedException {
        for (String base : ChallengeStrategy.baseNames(names)) {
            String owner = "_acme-challenge." + base;
            Optional<String> target;
            try {
                target = dns.cname(owner);
            } catch (IOException e) {
                throw new PreflightException("could not check the CNAME at " + owner + " (" + e.getMessage()
                        + "); it must be: " + record(base));
            }
            if (target.isEmpty()) {
                throw new PreflightException(owner + " has no CNAME yet. Add this record once: " + record(base));
            }
            if (!target.get().equals(settings.aliasOf(base))) {
                throw new PreflightException(owner + " points to " + target.get() + ", not into the alias zone "
                        + settings.zone() + ". Change it to: " + record(base));
            }
        }
        try {
            updates.probe();
        } catch (AutoTlsException e) {
            // auto then moves on to the next strategy; alone, this is checked again within a minute
            throw new PreflightException(e.getMessage());
        }
    }

    @Override
    public void present(List<PendingChallenge> challenges, Login login) throws AutoTlsException {
        for (Map.Entry<String, List<String>> entry : valuesByAlias(challenges).entrySet()) {
            updates.add(entry.getKey(), entry.getValue(), TTL_SECONDS);
            LOG.debug("Added {} TXT value(s) at {} through {}.", entry.getValue().size(), entry.getKey(), settings.serverText());
        }
    }

    @Override
    public void awaitVisible(List<PendingChallenge> challenges) throws AutoTlsException, InterruptedException {
        Instant deadline = Instant.now().plus(VISIBLE_TIMEOUT);
        List<InetSocketAddress> servers = servers();
        for (Map.Entry<String, List<String>> entry : valuesByAlias(challenges).entrySet()) {
            for (InetSocketAddress server : servers) {
                awaitAt(server, entry.getKey(), entry.getValue(), deadline);
            }
        }
    }

    private void awaitAt(InetSocketAddress server, String owner, List<String> values, Instant deadline)
            throws TransientException, InterruptedException {
        Optional<TxtWait.Seen> late = TxtWait.until(() -> AuthoritativeDns.txtAt(server, owner), values, deadline);
        if (late.isPresent()) {
            String seen = late.get().error().map(IOException::getMessage).orElse("it shows " + late.get().visible());
            throw new NotTheCaException("the DNS server " + server + " did not answer the new TXT values at " + owner
                    + " within " + VISIBLE_TIMEOUT.toSeconds() + " s (" + seen + "); check that the alias zone's "
                    + "secondaries receive its updates (NOTIFY, IXFR)", null);
        }
    }

    /** The primary (it need not be in the NS set: a hidden primary) and the servers of the alias zone's NS set. */
    private List<InetSocketAddress> servers() {
        Set<InetSocketAddress> servers = new LinkedHashSet<>();
        InetSocketAddress primary = settings.server();
        servers.add(primary.isUnresolved() ? new InetSocketAddress(primary.getHostString(), primary.getPort()) : primary);
        try {
            servers.addAll(dns.zoneServers(settings.zone()));
        } catch (IOException e) {
            LOG.debug("No NS set found for {}: waiting on the primary only ({}).", settings.zone(), e.toString());
        }
        return List.copyOf(servers);
    }

    /** Removes exactly the values {@link #present} added; a failure is logged (the values are harmless) and left. */
    @Override
    public void cleanUp(List<PendingChallenge> challenges) {
        for (Map.Entry<String, List<String>> entry : valuesByAlias(challenges).entrySet()) {
            try {
                updates.delete(entry.getKey(), entry.getValue());
            } catch (AutoTlsException e) {
                LOG.warn("Could not remove the TXT values at {}: {}", entry.getKey(), e.getMessage());
            }
        }
    }

    private Map<String, List<String>> valuesByAlias(List<PendingChallenge> challenges) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        Dns01Values.byBase(challenges).forEach((base, digests) -> values.put(settings.aliasOf(base), digests));
        return values;
    }
}
