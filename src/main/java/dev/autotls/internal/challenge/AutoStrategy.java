package dev.autotls.internal.challenge;

import dev.autotls.internal.acme.ChallengeStrategy;
import dev.autotls.internal.acme.PreflightException;
import dev.autotls.spi.AutoTlsException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.exception.AcmeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code autotls.challenge=auto} for one certificate: the candidates in order of preference
 * (dns-persist-01, the acme-dns alias if configured, the RFC 2136 alias if configured, then
 * http-01, or tls-alpn-01 when the HTTP port is off), each checked
 * before ordering; the first that passes is used, and the others that pass stay offered as
 * fallbacks, so a CA that lacks the preferred challenge type still gets one it has. One log
 * line says what was chosen and why, whenever the choice changes.
 */
public final class AutoStrategy implements ChallengeStrategy {
    private static final Logger LOG = LoggerFactory.getLogger(AutoStrategy.class);

    private final List<ChallengeStrategy> candidates;
    private volatile List<ChallengeStrategy> usable;
    private volatile String lastChoice = "";

    public AutoStrategy(List<ChallengeStrategy> candidates) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("auto needs at least one candidate strategy");
        }
        this.candidates = List.copyOf(candidates);
        this.usable = this.candidates;
    }

    @Override
    public String name() {
        return usable.get(0).name();
    }

    @Override
    public List<String> challengeTypes() {
        List<String> types = new ArrayList<>();
        for (ChallengeStrategy strategy : usable) {
            for (String type : strategy.challengeTypes()) {
                if (!types.contains(type)) {
                    types.add(type);
                }
            }
        }
        return types;
    }

    @Override
    public Suitability suitability(String name) {
        List<String> reasons = new ArrayList<>();
        for (ChallengeStrategy candidate : candidates) {
            Suitability suitability = candidate.suitability(name);
            if (suitability.suitable()) {
                return suitability;
            }
            reasons.add(suitability.reason());
        }
        return Suitability.no(String.join("; ", reasons));
    }

    /**
     * Every record that would make one of the strategies work, each group after a zone-file
     * comment ({@code ; ...}) saying which strategy it enables, in the order {@code auto}
     * tries them: the owner picks one. Parsers skip the comment lines.
     */
    @Override
    public List<String> requiredRecords(List<String> names) throws AutoTlsException, IOException, AcmeException, InterruptedException {
        List<String> lines = new ArrayList<>();
        for (ChallengeStrategy candidate : candidates) {
            if (!suitsAll(candidate, names)) {
                continue;
            }
            try {
                List<String> records = new ArrayList<>(candidate.requiredRecords(names));
                if (!records.isEmpty() && records.get(0).startsWith("; for ")) {
                    records.remove(0); // the candidate's own heading, replaced by one that says it is one choice of several
                }
                if (!records.isEmpty()) {
                    lines.add("; " + (lines.isEmpty() ? "" : "or, ") + "for " + candidate.name() + " " + purpose(candidate)
                            + ", add once:");
                    lines.addAll(records);
                }
            } catch (PreflightException cannot) {
                LOG.info("{}: {} is not possible here: {}", String.join(", ", names), candidate.name(), cannot.getMessage());
            }
        }
        return lines;
    }

    private static String purpose(ChallengeStrategy candidate) {
        switch (candidate.name()) {
            case DnsPersistStrategy.NAME:
                return "(no credential anywhere, wildcards too)";
            case AcmeDnsStrategy.NAME:
                return "(the acme-dns credential stays on this host, wildcards too)";
            case Rfc2136Strategy.NAME:
                return "(a TSIG key limited to TXT records in the alias zone stays on this host, wildcards too)";
            default:
                return "";
        }
    }

    @Override
    public void preflight(List<String> names) throws AutoTlsException, IOException, AcmeException, InterruptedException {
        List<ChallengeStrategy> passing = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (ChallengeStrategy candidate : candidates) {
            if (!suitsAll(candidate, names)) {
                skipped.add(candidate.name() + " cannot (" + firstReason(candidate, names) + ")");
                continue;
            }
            try {
                candidate.preflight(names);
                passing.add(candidate);
            } catch (PreflightException notYet) {
                skipped.add(candidate.name() + " is not ready: " + notYet.getMessage());
            }
        }
        String certificate = String.join(", ", names);
        if (passing.isEmpty()) {
            throw new PreflightException("no validation method can work yet for " + certificate + ": " + String.join(" / ", skipped));
        }
        usable = List.copyOf(passing);
        String choice = passing.get(0).name();
        if (!choice.equals(lastChoice)) {
            lastChoice = choice;
            LOG.info("{}: auto chose {}{}", certificate, choice,
                    skipped.isEmpty() ? " (the first preference)." : " because " + String.join("; ", skipped) + ".");
        }
    }

    @Override
    public void present(List<PendingChallenge> challenges, Login login) throws AutoTlsException, IOException, AcmeException, InterruptedException {
        for (Map.Entry<ChallengeStrategy, List<PendingChallenge>> part : byStrategy(challenges).entrySet()) {
            part.getKey().present(part.getValue(), login);
        }
    }

    @Override
    public void awaitVisible(List<PendingChallenge> challenges) throws AutoTlsException, IOException, AcmeException, InterruptedException {
        for (Map.Entry<ChallengeStrategy, List<PendingChallenge>> part : byStrategy(challenges).entrySet()) {
            part.getKey().awaitVisible(part.getValue());
        }
    }

    @Override
    public void cleanUp(List<PendingChallenge> challenges) {
        for (Map.Entry<ChallengeStrategy, List<PendingChallenge>> part : byStrategy(challenges).entrySet()) {
            part.getKey().cleanUp(part.getValue());
        }
    }

    private Map<ChallengeStrategy, List<PendingChallenge>> byStrategy(List<PendingChallenge> challenges) {
        Map<ChallengeStrategy, List<PendingChallenge>> parts = new LinkedHashMap<>();
        for (PendingChallenge pending : challenges) {
            String type = pending.challenge().getType();
            ChallengeStrategy owner = usable.stream().filter(s -> s.challengeTypes().contains(type)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no strategy answers " + type));
            parts.computeIfAbsent(owner, s -> new ArrayList<>()).add(pending);
        }
        return parts;
    }

    private static boolean suitsAll(ChallengeStrategy candidate, List<String> names) {
        return names.stream().allMatch(name -> candidate.suitability(name).suitable());
    }

    private static String firstReason(ChallengeStrategy candidate, List<String> names) {
        return names.stream().map(candidate::suitability).filter(s -> !s.suitable()).map(Suitability::reason)
                .findFirst().orElse("");
    }
}
