package dev.autotls.internal.challenge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each way a _validation-persist record can be wrong gets its own sentence, naming the record and the fix. */
class DnsPersistJudgementTest {
    private static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");
    private static final String ACCOUNT = "https://ca.test/acct/1";
    private final DnsPersistStrategy.Expected plain = new DnsPersistStrategy.Expected("a.test", List.of("ca.test"), ACCOUNT,
            false, "ca.test; accounturi=" + ACCOUNT);
    private final DnsPersistStrategy.Expected wildcard = new DnsPersistStrategy.Expected("a.test", List.of("ca.test"), ACCOUNT,
            true, "ca.test; accounturi=" + ACCOUNT + "; policy=wildcard");

    private static String judge(List<String> found, DnsPersistStrategy.Expected expected) {
        return DnsPersistStrategy.judge(found, expected, NOW).orElse("OK");
    }

    @Test
    void aFittingRecordPasses() {
        assertThat(judge(List.of("ca.test; accounturi=" + ACCOUNT), plain)).isEqualTo("OK");
        assertThat(judge(List.of("CA.TEST; accounturi=" + ACCOUNT + "; policy=Wildcard"), wildcard)).isEqualTo("OK");
    }

    @Test
    void eachWrongRecordHasItsOwnMessage() {
        String line = "_validation-persist.a.test. TXT \"ca.test; accounturi=" + ACCOUNT + "\"";
        assertThat(judge(List.of(), plain)).isEqualTo("_validation-persist.a.test has no TXT record. Add this record once: " + line);
        assertThat(judge(List.of("ca.test; accounturi=https://ca.test/acct/2"), plain))
                .startsWith("_validation-persist.a.test authorizes another ACME account (accounturi=https://ca.test/acct/2)")
                .endsWith("Change it to: " + line);
        assertThat(judge(List.of("other.ca; accounturi=" + ACCOUNT), plain))
                .contains("names the issuer other.ca, but this CA accepts ca.test");
        assertThat(judge(List.of("ca.test; accounturi=" + ACCOUNT), wildcard))
                .contains("lacks policy=wildcard, which *.a.test needs").contains("policy=wildcard\"");
        assertThat(judge(List.of("ca.test; accounturi=" + ACCOUNT + "; persistUntil=" + NOW.minusSeconds(1).getEpochSecond()), plain))
                .contains("expired at 2026-11-21T23:59:59Z (persistUntil)");
        assertThat(judge(List.of("ca.test; accounturi=" + ACCOUNT + "; persistUntil="
                + NOW.plus(Duration.ofDays(10)).getEpochSecond()), plain)).contains("within 30 days");
        assertThat(judge(List.of("ca.test; accounturi=" + ACCOUNT + "; policy=wildcard; policy=wildcard"), plain))
                .contains("is malformed (the parameter policy appears twice)");
        assertThat(judge(List.of("ca.test; policy=wildcard"), plain)).contains("is malformed (it has no accounturi parameter)");
    }

    @Test
    void severalRecordsOfWhichNoneFitsAreEachExplained() {
        String message = judge(List.of("other.ca; accounturi=" + ACCOUNT, "ca.test; accounturi=https://x"), plain);
        assertThat(message).startsWith("_validation-persist.a.test has 2 TXT records and none fits: (1) names the issuer other.ca")
                .contains("(2) authorizes another ACME account").contains("add: _validation-persist.a.test. TXT");
    }

    @Test
    void oneFittingRecordAmongOthersIsEnough() {
        assertThat(judge(List.of("other.ca; accounturi=x", "ca.test; accounturi=" + ACCOUNT), plain)).isEqualTo("OK");
    }
}
