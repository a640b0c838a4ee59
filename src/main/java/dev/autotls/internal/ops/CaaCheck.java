package dev.autotls.internal.ops;

import dev.autotls.internal.config.DomainNames;
import dev.autotls.internal.dns.AuthoritativeDns;
import dev.autotls.internal.engine.ManagedCertificate;
import dev.autotls.internal.ops.Doctor.Finding;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.xbill.DNS.CAARecord;

/**
 * CAA as the CA will judge it (RFC 8659, with RFC 8657's {@code accounturi} and
 * {@code validationmethods}): the relevant record set of a name is the first non-empty CAA set
 * found climbing from the name (a wildcard's base name) towards the root; it restricts issuance
 * only through its {@code issue} properties ({@code issuewild} first for a wildcard), and a CA
 * may issue when one of them names its identity and no parameter excludes this account or every
 * method the strategy may use. Also writes the records that pin the CA to this site.
 */
final class CaaCheck {
    /** Where the account URL goes in the advice while no account is stored. */
    static final String ACCOUNT_PLACEHOLDER = "<account URL>";

    private static final int CRITICAL = 128;
    private static final Set<String> KNOWN_TAGS = Set.of("issue", "issuewild", "iodef");

    private final AuthoritativeDns dns;

    CaaCheck(AuthoritativeDns dns) {
        this.dns = dns;
    }

    /** The relevant CAA set of a name and the name it sits at; no records when none is found up to the root. */
    record Relevant(String owner, List<CAARecord> records) {
    }

    Relevant relevant(String name) throws IOException {
        String current = name.startsWith("*.") ? name.substring(2) : name;
        while (!current.isEmpty()) {
            List<CAARecord> found = dns.caa(current);
            if (!found.isEmpty()) {
                return new Relevant(current, found);
            }
            int dot = current.indexOf('.');
            current = dot < 0 ? "" : current.substring(dot + 1); // the root itself is never searched
        }
        return new Relevant("", List.of());
    }

    /** One finding per configured name. */
    List<Finding> check(Map<ManagedCertificate, List<String>> methods, List<String> identities, Optional<String> account) {
        List<Finding> findings = new ArrayList<>();
        for (Map.Entry<ManagedCertificate, List<String>> certificate : methods.entrySet()) {
            for (String name : certificate.getKey().names) {
                if (DomainNames.isAddress(name)) {
                    // RFC 8659 defines CAA for domain names only; an address has no zone to hold one
                    findings.add(Finding.ok("CAA: none applies to the IP address " + name + "."));
                    continue;
                }
                Relevant relevant;
                try {
                    relevant = relevant(name);
                } catch (IOException e) {
                    findings.add(Finding.warn("CAA for " + name + " could not be read (" + e.getMessage() + "); a CA that "
                            + "cannot read it refuses to issue: make the zone's servers answer CAA queries."));
                    continue;
                }
                findings.add(judge(name, relevant, identities, account, certificate.getValue()));
            }
        }
        return findings;
    }

    static Finding judge(String name, Relevant relevant, List<String> identities, Optional<String> account, List<String> methods) {
        if (relevant.records().isEmpty()) {
            return Finding.ok("CAA for " + name + ": no CAA record at it or its parents, so any CA may issue.");
        }
        String at = relevant.owner() + ".";
        for (CAARecord record : relevant.records()) {
            String tag = record.getTag().toLowerCase(Locale.ROOT);
            if ((record.getFlags() & CRITICAL) != 0 && !KNOWN_TAGS.contains(tag)) {
                return Finding.fail("CAA for " + name + ": " + at + " has the critical property " + record.getTag()
                        + ", which CAs do not know, so none will issue; remove its critical flag (128) or the record.");
            }
        }
        boolean wildcard = name.startsWith("*.");
        List<CAARecord> restricting = tagged(relevant.records(), wildcard ? "issuewild" : "issue");
        if (restricting.isEmpty() && wildcard) {
            restricting = tagged(relevant.records(), "issue");
        }
        if (restricting.isEmpty()) {
            return Finding.ok("CAA for " + name + ": " + at + " has no issue property, so it restricts no CA.");
        }
        if (identities.isEmpty()) {
            return Finding.warn("CAA for " + name + ": " + at + " restricts issuance, and the CA names no CAA identity "
                    + "(its directory could not be read or has no meta.caaIdentities), so whether it may issue is unknown.");
        }
        List<String> reasons = new ArrayList<>();
        for (CAARecord record : restricting) {
            IssueValue value = IssueValue.parse(record.getValue());
            if (!identities.contains(value.issuer())) {
                continue;
            }
            String accountUri = value.parameters().get("accounturi");
            if (accountUri != null && account.isPresent() && !accountUri.equals(account.get())) {
                reasons.add("it allows " + value.issuer() + " only for the account " + accountUri + ", not this site's "
                        + account.get());
                continue;
            }
            String allowedMethods = value.parameters().get("validationmethods");
            if (allowedMethods != null && methods.stream().noneMatch(List.of(allowedMethods.split(","))::contains)) {
                reasons.add("it allows " + value.issuer() + " only by " + allowedMethods + ", and this site validates by "
                        + String.join(",", methods));
                continue;
            }
            return Finding.ok("CAA for " + name + ": " + at + " allows " + value.issuer() + " (this CA)"
                    + (accountUri != null && account.isEmpty() ? "; no account is stored yet to compare its accounturi with" : "")
                    + ".");
        }
        if (reasons.isEmpty()) {
            Set<String> named = new LinkedHashSet<>();
            restricting.forEach(record -> named.add(IssueValue.parse(record.getValue()).issuer()));
            named.remove("");
            reasons.add("it allows " + (named.isEmpty() ? "no CA at all" : "only " + String.join(", ", named))
                    + ", not " + identities.get(0) + " (this CA)");
        }
        return Finding.fail("CAA for " + name + ": the record set at " + at + " forbids this CA: "
                + String.join("; ", reasons) + ". Add this record beside the others there: "
                + record(relevant.owner(), wildcard && !tagged(relevant.records(), "issuewild").isEmpty() ? "issuewild" : "issue",
                identities.get(0), account.orElse(ACCOUNT_PLACEHOLDER), methods)
                + (account.isEmpty() ? " (" + noAccount() + ")" : ""));
    }

    /** The advice as findings: one {@code ok} line per record, then how to get the account URL if none is stored. */
    static List<Finding> advice(Map<ManagedCertificate, List<String>> methods, List<String> identities, Optional<String> account) {
        if (identities.isEmpty()) {
            return List.of(Finding.warn("CAA advice: the CA names no CAA identity (its directory could not be read or has "
                    + "no meta.caaIdentities), so no CAA record can be suggested."));
        }
        List<Finding> findings = new ArrayList<>();
        for (String line : records(methods, identities.get(0), account.orElse(ACCOUNT_PLACEHOLDER))) {
            findings.add(Finding.ok("CAA advice (optional hardening; allows only this CA, account and methods): " + line
                    + (account.isEmpty() ? " (" + noAccount() + ")" : "")));
        }
        return findings;
    }

    /** The records that pin {@code identity} to {@code account} and the strategies' methods, per base name; issuewild where wildcards are configured. */
    static List<String> records(Map<ManagedCertificate, List<String>> methods, String identity, String account) {
        Map<String, String> lines = new LinkedHashMap<>(); // one line per owner and tag, even if certificates share a base name
        for (Map.Entry<ManagedCertificate, List<String>> certificate : methods.entrySet()) {
            for (String base : Doctor.baseNames(certificate.getKey())) {
                if (DomainNames.isAddress(base)) {
                    continue; // no CAA record can name an address
                }
                lines.putIfAbsent(base + " issue", record(base, "issue", identity, account, certificate.getValue()));
                if (certificate.getKey().names.contains("*." + base)) {
                    lines.putIfAbsent(base + " issuewild", record(base, "issuewild", identity, account, certificate.getValue()));
                }
            }
        }
        return List.copyOf(lines.values());
    }

    static String record(String owner, String tag, String identity, String account, List<String> methods) {
        return owner + ". CAA 0 " + tag + " \"" + identity + "; accounturi=" + account + "; validationmethods="
                + String.join(",", methods) + "\"";
    }

    private static String noAccount() {
        return "no ACME account is stored yet for this CA: `records` with dns-persist-01 creates it and prints its URL, "
                + "as does the first order of `serve`";
    }

    private static List<CAARecord> tagged(List<CAARecord> records, String tag) {
        return records.stream().filter(record -> record.getTag().equalsIgnoreCase(tag)).toList();
    }

    /** An issue or issuewild value: the issuer (empty for "no CA") and its key=value parameters. */
    record IssueValue(String issuer, Map<String, String> parameters) {
        static IssueValue parse(String value) {
            String[] parts = value.split(";", -1);
            Map<String, String> parameters = new LinkedHashMap<>();
            for (int i = 1; i < parts.length; i++) {
                int equals = parts[i].indexOf('=');
                if (equals > 0) {
                    parameters.put(parts[i].substring(0, equals).trim().toLowerCase(Locale.ROOT), parts[i].substring(equals + 1).trim());
                }
            }
            return new IssueValue(parts[0].trim().toLowerCase(Locale.ROOT), parameters);
        }
    }
}
