package dev.autotls;

/**
 * Configuration that cannot work. The message names the setting, the value and what is
 * allowed, e.g. {@code autotls.challenge = 'dns-01' is not a challenge strategy; allowed: auto, ...}.
 */
public final class ConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
