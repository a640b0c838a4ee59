package dev.autotls.internal.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secret items (private keys, credentials) before they reach a database, with
 * AES-256-GCM under {@code autotls.storage.key}: a fresh 96-bit nonce per write, the storage
 * key as associated data, so a sealed value cannot be moved to another key unnoticed. What it
 * protects: database dumps, backups, replicas and anyone with read access to the tables but
 * not to the instances' configuration.
 *
 * <p>Format: one version byte (1), the nonce, then ciphertext and tag.
 */
public final class SecretSealer {
    private static final byte FORMAT = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    private SecretSealer(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /**
     * A sealer for the base64 (or base64url) value of {@code autotls.storage.key}, which must
     * decode to 32 bytes.
     *
     * @throws IllegalArgumentException naming the setting and how to make a good key (never echoing it)
     */
    public static SecretSealer fromSetting(String value) {
        byte[] decoded;
        try {
            String trimmed = value.trim();
            decoded = trimmed.contains("-") || trimmed.contains("_") ? Base64.getUrlDecoder().decode(trimmed)
                    : Base64.getDecoder().decode(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("autotls.storage.key is not base64; make one with: openssl rand -base64 32");
        }
        if (decoded.length != 32) {
            throw new IllegalArgumentException("autotls.storage.key decodes to " + decoded.length
                    + " bytes, not 32; make one with: openssl rand -base64 32");
        }
        return new SecretSealer(decoded);
    }

    public byte[] seal(String storageKey, byte[] plain) throws GeneralSecurityException {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(storageKey.getBytes(StandardCharsets.UTF_8));
        byte[] sealed = cipher.doFinal(plain);
        return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(FORMAT).put(nonce).put(sealed).array();
    }

    /** @throws GeneralSecurityException if the value was sealed with another key, for another storage key, or altered */
    public byte[] open(String storageKey, byte[] sealed) throws GeneralSecurityException {
        if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != FORMAT) {
            throw new GeneralSecurityException("not a sealed value of format " + FORMAT);
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
        cipher.updateAAD(storageKey.getBytes(StandardCharsets.UTF_8));
        return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
    }
}
