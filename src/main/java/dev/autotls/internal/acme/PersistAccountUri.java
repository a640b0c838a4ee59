package dev.autotls.internal.acme;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import org.shredzone.acme4j.toolbox.JoseUtils;

/**
 * The {@code accounturi} value a dns-persist-01 record carries: the plain account URL
 * (drafts -00 and -01), or, where the CA's directory advertises {@code accountHashPrefix}
 * (draft -02), the hashed URI
 * {@code <prefix>sha-256/<base64url(SHA-256(len(domain) || domain || thumbprint || accountURL))>},
 * where thumbprint is the 43-character base64url JWK thumbprint of the account key.
 */
public final class PersistAccountUri {
    private PersistAccountUri() {
    }

    /** The draft -02 hashed account URI for the record at {@code _validation-persist.<domain>}. */
    public static String hashed(String accountHashPrefix, String domain, PublicKey accountKey, String accountUrl) {
        return hashed(accountHashPrefix, domain, thumbprint(accountKey), accountUrl);
    }

    /** As above, from the thumbprint's base64url text (43 characters). */
    public static String hashed(String accountHashPrefix, String domain, String thumbprint, String accountUrl) {
        byte[] name = domain.getBytes(StandardCharsets.US_ASCII);
        if (name.length > 255) {
            throw new IllegalArgumentException("a domain name is at most 255 octets: " + domain);
        }
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update((byte) name.length);
            sha256.update(name);
            sha256.update(thumbprint.getBytes(StandardCharsets.US_ASCII));
            sha256.update(accountUrl.getBytes(StandardCharsets.US_ASCII));
            return accountHashPrefix + "sha-256/" + Base64.getUrlEncoder().withoutPadding().encodeToString(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public static String thumbprint(PublicKey accountKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(JoseUtils.thumbprint(accountKey));
    }
}
