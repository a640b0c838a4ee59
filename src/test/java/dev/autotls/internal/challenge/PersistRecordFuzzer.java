package dev.autotls.internal.challenge;

import dev.autotls.fuzz.FuzzInput;
import dev.autotls.internal.acme.PersistRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Fuzz target (scripts/fuzz.sh): the TXT records found at {@code _validation-persist.<name>}
 * (the input's parts, cut at {@code ----} lines), parsed by {@link PersistRecord#parse} and
 * judged by {@link DnsPersistStrategy#judge} as the preflight does, for a plain and a wildcard
 * certificate. Parsing never throws, nor does any accessor of what it returned; a well-formed
 * record survives {@link PersistRecord#format} and back; the judgement never throws, and
 * passes only when one record names this CA, this account and, for a wildcard, the policy.
 */
public final class PersistRecordFuzzer {
    private static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");
    private static final String ACCOUNT = "https://ca.test/acct/1";
    private static final List<String> ISSUERS = List.of("ca.test", "letsencrypt.org");
    private static final DnsPersistStrategy.Expected PLAIN = new DnsPersistStrategy.Expected("a.test", ISSUERS, ACCOUNT,
            false, "ca.test; accounturi=" + ACCOUNT);
    private static final DnsPersistStrategy.Expected WILDCARD = new DnsPersistStrategy.Expected("a.test", ISSUERS, ACCOUNT,
            true, "ca.test; accounturi=" + ACCOUNT + "; policy=wildcard");

    private PersistRecordFuzzer() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        List<String> found = new ArrayList<>();
        for (byte[] part : FuzzInput.parts(data, 8)) {
            found.add(FuzzInput.text(part));
        }
        boolean anyFits = false;
        boolean anyFitsWildcard = false;
        for (String text : found) {
            PersistRecord record = PersistRecord.parse(text);
            Optional<String> accountUri = record.accountUri();
            Optional<Instant> until = record.persistUntil();
            boolean wildcard = record.wildcardPolicy();
            if (record.malformed().isPresent()) {
                continue;
            }
            if (accountUri.isEmpty()) {
                throw new AssertionError("well-formed without an accounturi: " + text);
            }
            PersistRecord back = PersistRecord.parse(PersistRecord.format(record.issuer(), accountUri.get(), wildcard, until));
            if (back.malformed().isPresent() || !back.issuer().equals(record.issuer()) || !back.accountUri().equals(accountUri)
                    || back.wildcardPolicy() != wildcard || !back.persistUntil().equals(until)) {
                throw new AssertionError("format then parse changed " + record + " into " + back);
            }
            boolean fits = ISSUERS.contains(record.issuer()) && accountUri.get().equals(ACCOUNT)
                    && until.map(t -> !t.isBefore(NOW.plus(DnsPersistStrategy.EXPIRY_WARNING))).orElse(true);
            anyFits |= fits;
            anyFitsWildcard |= fits && wildcard;
        }
        check(found, PLAIN, anyFits);
        check(found, WILDCARD, anyFitsWildcard);
    }

    private static void check(List<String> found, DnsPersistStrategy.Expected expected, boolean fits) {
        Optional<String> problem = DnsPersistStrategy.judge(found, expected, NOW);
        if (problem.isEmpty() != fits) {
            throw new AssertionError((fits ? "refused a fitting record: " + problem.get() : "passed records that do not fit")
                    + " (wildcard " + expected.wildcard() + "): " + found);
        }
        if (problem.isPresent() && !problem.get().contains(expected.line())) {
            throw new AssertionError("the judgement does not say which record to add: " + problem.get());
        }
    }
}
