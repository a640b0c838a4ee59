package dev.autotls.internal.acme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.fuzz.FuzzInput;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PersistRecordTest {

    @Test
    void parsesIssuerAndCaseInsensitiveTagsAndIgnoresUnknownOnes() {
        PersistRecord record = PersistRecord.parse("Pebble.LetsEncrypt.org; AccountURI=https://ca/acct/1; Policy=WILDCARD; future=x");
        assertThat(record.malformed()).isEmpty();
        assertThat(record.issuer()).isEqualTo("pebble.letsencrypt.org");
        assertThat(record.accountUri()).hasValue("https://ca/acct/1");
        assertThat(record.wildcardPolicy()).isTrue();
    }

    @Test
    void accountUriIsKeptExactly() {
        assertThat(PersistRecord.parse("ca.example; accounturi=https://CA.example/Acct/1").accountUri())
                .hasValue("https://CA.example/Acct/1");
    }

    @Test
    void malformedRecordsSayWhy() {
        assertThat(PersistRecord.parse("ca.example").malformed()).hasValue("it has no accounturi parameter");
        assertThat(PersistRecord.parse("ca.example; accounturi=a; accounturi=b").malformed())
                .hasValue("the parameter accounturi appears twice");
        assertThat(PersistRecord.parse("ca.example; accounturi=a; persistUntil=soon").malformed())
                .hasValue("persistUntil=soon is not a number of seconds");
        assertThat(PersistRecord.parse("; accounturi=a").malformed()).hasValue("it does not start with an issuer domain name");
        assertThat(PersistRecord.parse("ca.example; accounturi").malformed()).hasValue("'accounturi' is not tag=value");
    }

    @Test
    void formatsTheRecordAndItsZoneLine() {
        String value = PersistRecord.format("letsencrypt.org", "https://acme/acct/9", true, Optional.of(Instant.ofEpochSecond(1900000000)));
        assertThat(value).isEqualTo("letsencrypt.org; accounturi=https://acme/acct/9; policy=wildcard; persistUntil=1900000000");
        assertThat(PersistRecord.zoneLine("example.com", "letsencrypt.org; accounturi=u"))
                .isEqualTo("_validation-persist.example.com. TXT \"letsencrypt.org; accounturi=u\"");
        PersistRecord back = PersistRecord.parse(value);
        assertThat(back.persistUntil()).hasValue(Instant.ofEpochSecond(1900000000));
        assertThat(back.malformed()).isEmpty();
    }

    @Test
    void hashedAccountUriMatchesTheDraftsExampleAndAByHandComputation() {
        // draft-ietf-acme-dns-persist-02 section 4.1 example; recomputed independently with
        // python3 hashlib over bytes([11]) + b"example.com" + thumbprint + account URL
        String thumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
        assertThat(PersistAccountUri.hashed("https://ca.example/account-hash/", "example.com", thumbprint,
                "https://ca.example/acct/123"))
                .isEqualTo("https://ca.example/account-hash/sha-256/5SQm7n6tPh2-PlLbCKGnViTXX5z19SCN4cPGQHSk-kw");
        // the opt-out form with domain "*" (python3: bytes([1]) + b"*" + ...)
        assertThat(PersistAccountUri.hashed("https://ca.example/account-hash/", "*", thumbprint, "https://ca.example/acct/123"))
                .endsWith("/sha-256/NpDnSwUthQK8zCgFdefYxAdAVPnygMLbs9US6oO-5ug");
    }

    @Test
    void aPersistUntilTooLargeForJavasClockMeansNeverInsteadOfThrowing() throws Exception {
        // found by PersistRecordFuzzer: 19 digits passed the check, then Long.parseLong threw
        // NumberFormatException (above 2^63) or Instant.ofEpochSecond DateTimeException (above year 10^9)
        for (String input : new String[] {"crash-persist-until-beyond-long", "crash-persist-until-beyond-instant"}) {
            PersistRecord record = PersistRecord.parse(FuzzInput.text(FuzzInput.saved("PersistRecordFuzzer", input)));
            assertThat(record.malformed()).isEmpty();
            assertThat(record.persistUntil()).hasValue(PersistRecord.NEVER);
        }
    }
}
