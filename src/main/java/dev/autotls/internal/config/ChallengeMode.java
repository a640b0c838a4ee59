package dev.autotls.internal.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The values of {@code autotls.challenge}. */
public enum ChallengeMode {
    /** Per name, the best strategy that can work with the configuration. */
    AUTO("auto"),
    HTTP_01("http-01"),
    DNS_PERSIST_01("dns-persist-01"),
    ACME_DNS("acme-dns"),
    RFC2136("rfc2136"),
    TLS_ALPN_01("tls-alpn-01");

    private final String configName;

    ChallengeMode(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    static Optional<ChallengeMode> parse(String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.configName.equals(wanted)).findFirst();
    }

    static String allowed() {
        return Arrays.stream(values()).map(ChallengeMode::configName).collect(Collectors.joining(", "));
    }
}
