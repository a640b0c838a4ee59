package dev.autotls.internal.acme;

import java.util.Optional;

/**
 * What the ACME account is created with.
 *
 * @param agreeToTerms     whether the operator agreed to the CA's terms of service ({@code autotls.agree-tos})
 * @param email            contact address, or null
 * @param eabKeyId         external account binding key id, or null
 * @param eabHmacKey       external account binding MAC key (base64url), or null
 * @param eabSettings      the names of the two settings that give this CA's EAB, for messages
 */
public record AccountSettings(boolean agreeToTerms, String email, String eabKeyId, String eabHmacKey, String eabSettings) {
    public AccountSettings(boolean agreeToTerms, String email, String eabKeyId, String eabHmacKey) {
        this(agreeToTerms, email, eabKeyId, eabHmacKey, "autotls.eab.kid and autotls.eab.hmac-key");
    }

    public Optional<String> emailAddress() {
        return Optional.ofNullable(email).filter(e -> !e.isBlank());
    }

    public boolean hasExternalAccountBinding() {
        return eabKeyId != null && !eabKeyId.isBlank();
    }

    @Override
    public String toString() {
        // the MAC key is a secret: never in logs or exception messages
        return "AccountSettings[agreeToTerms=" + agreeToTerms + ", email=" + email
                + ", eabKeyId=" + eabKeyId + ", eabHmacKey=" + (eabHmacKey == null ? "none" : "(hidden)") + "]";
    }
}
