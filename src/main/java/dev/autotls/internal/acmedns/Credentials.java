package dev.autotls.internal.acmedns;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * Passwords of acme-dns accounts: 40 random characters of {@code [A-Za-z0-9_-]}, stored
 * as bcrypt hashes ({@code $2a$}, cost 10, as acme-dns writes them).
 *
 * <p>bcrypt is slow by design; a client that updates often with the same valid key pays it
 * once per {@link #CACHE_TIME}: a successful check is remembered under the SHA-256 of
 * user, key and stored hash, compared in constant time, and forgotten on the first failed
 * attempt for that user.
 */
final class Credentials {
    static final Duration CACHE_TIME = Duration.ofMinutes(5);
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{40}");
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-".toCharArray();
    private static final int COST = 10;

    private final SecureRandom random = new SecureRandom();
    private final Cache<UUID, byte[]> verified = Caffeine.newBuilder().expireAfterWrite(CACHE_TIME).maximumSize(100_000).build();

    String newPassword() {
        char[] password = new char[40];
        for (int i = 0; i < password.length; i++) {
            password[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(password);
    }

    String hash(String password) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return OpenBSDBCrypt.generate("2a", password.toCharArray(), salt, COST);
    }

    static boolean wellFormedKey(String key) {
        return key != null && KEY.matcher(key).matches();
    }

    /** Whether {@code key} is the password of {@code account}; constant time in the key's content. */
    boolean matches(Account account, String key) {
        byte[] fingerprint = fingerprint(account, key);
        byte[] remembered = verified.getIfPresent(account.username());
        if (remembered != null && MessageDigest.isEqual(remembered, fingerprint)) {
            return true;
        }
        boolean ok;
        try {
            ok = OpenBSDBCrypt.checkPassword(account.passwordHash(), key.toCharArray());
        } catch (IllegalArgumentException e) {
            ok = false; // a stored hash this library cannot read never matches
        }
        if (ok) {
            verified.put(account.username(), fingerprint);
        } else {
            verified.invalidate(account.username());
        }
        return ok;
    }

    /** Forgets a remembered success, e.g. after a failed attempt that did not reach bcrypt. */
    void forget(UUID username) {
        verified.invalidate(username);
    }

    private static byte[] fingerprint(Account account, String key) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(account.username().toString().getBytes(StandardCharsets.US_ASCII));
            sha256.update((byte) 0);
            sha256.update(key.getBytes(StandardCharsets.US_ASCII));
            sha256.update((byte) 0);
            sha256.update(account.passwordHash().getBytes(StandardCharsets.US_ASCII));
            return sha256.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
