package dev.autotls.spring;

import dev.autotls.AutoTls;
import dev.autotls.ConfigurationException;
import dev.autotls.Setting;
import org.springframework.core.env.Environment;

/**
 * Passes every {@code autotls.*} setting from Spring's {@code Environment} (properties, YAML,
 * {@code -D}, {@code AUTOTLS_*} variables, in Spring's order) to the builder. Spring's
 * {@code server.port} is the HTTPS port and {@code server.address} the default bind address,
 * so the two cannot disagree.
 */
final class EnvironmentSettings {
    /** Spring Boot's own default for {@code server.port}. */
    static final String DEFAULT_SERVER_PORT = "8080";

    private EnvironmentSettings() {
    }

    static AutoTls.Builder apply(Environment environment, AutoTls.Builder builder) {
        String serverPort = environment.getProperty("server.port", DEFAULT_SERVER_PORT).trim();
        for (Setting setting : Setting.values()) {
            String value = environment.getProperty(setting.key());
            if (value == null) {
                continue;
            }
            if (setting == Setting.HTTPS_PORT) {
                if (!value.trim().equals(serverPort)) {
                    throw new ConfigurationException(setting.key() + " = " + value + " but server.port = " + serverPort
                            + ": with Spring Boot the HTTPS port is server.port; remove " + setting.key());
                }
                continue;
            }
            builder.set(setting, value);
        }
        builder.set(Setting.HTTPS_PORT, serverPort);
        String address = environment.getProperty("server.address");
        if (environment.getProperty(Setting.BIND.key()) == null && address != null && !address.isBlank()) {
            builder.set(Setting.BIND, address.trim());
        }
        return builder;
    }
}
