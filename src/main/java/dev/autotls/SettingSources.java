package dev.autotls;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where a setting's value comes from, in this order: system property, environment
 * variable, the builder, the default. Operators can thus override what the application
 * set in code without rebuilding it.
 */
final class SettingSources {
    private final Function<String, String> systemProperties;
    private final Function<String, String> environment;
    private final Map<Setting, String> builderValues;

    SettingSources(Function<String, String> systemProperties, Function<String, String> environment,
                   Map<Setting, String> builderValues) {
        this.systemProperties = systemProperties;
        this.environment = environment;
        this.builderValues = new EnumMap<>(Setting.class);
        this.builderValues.putAll(builderValues);
    }

    /** The value and where it came from, or empty when unset and without default. */
    Optional<Value> get(Setting setting) {
        String fromProperty = systemProperties.apply(setting.key());
        if (fromProperty != null) {
            return Optional.of(new Value(setting, fromProperty.trim(), "-D" + setting.key()));
        }
        String fromEnvironment = environment.apply(setting.environmentName());
        if (fromEnvironment != null) {
            return Optional.of(new Value(setting, fromEnvironment.trim(), setting.environmentName()));
        }
        String fromBuilder = builderValues.get(setting);
        if (fromBuilder != null) {
            return Optional.of(new Value(setting, fromBuilder.trim(), setting.key() + " (set in code)"));
        }
        return Optional.ofNullable(setting.defaultValue()).map(v -> new Value(setting, v, setting.key() + " (default)"));
    }

    /** A raw value with its origin, for error messages. */
    record Value(Setting setting, String text, String origin) {
        /** A configuration error about this value: names the origin, the value and what to do. */
        ConfigurationException invalid(String whatIsAllowed) {
            String shown = setting.secret() ? "(hidden)" : "'" + text + "'";
            return new ConfigurationException(origin + " = " + shown + ": " + whatIsAllowed);
        }
    }
}
