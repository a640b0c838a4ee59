package dev.autotls.internal.tls;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The kinds of certificate key this library generates. EC P-256 is the default: small and fast to sign. */
public enum KeyType {
    EC256("ec256"),
    RSA2048("rsa2048"),
    RSA4096("rsa4096");

    private final String configName;

    KeyType(String configName) {
        this.configName = configName;
    }

    /** The name used in configuration ({@code autotls.key-type}). */
    public String configName() {
        return configName;
    }

    /** Parses a configuration value, or throws naming the allowed ones. */
    public static KeyType parse(String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT).replace("-", "");
        for (KeyType type : values()) {
            if (type.configName.equals(wanted)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown key type '" + value + "'; allowed: "
                + Arrays.stream(values()).map(KeyType::configName).collect(Collectors.joining(", ")));
    }

    /** A fresh key pair of this type. */
    public KeyPair generate() {
        try {
            if (this == EC256) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                return generator.generateKeyPair();
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(this == RSA2048 ? 2048 : 4096);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate " + configName + " keys", e);
        }
    }
}
