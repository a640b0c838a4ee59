package dev.autotls.internal.config;

import dev.autotls.ConfigurationException;
import dev.autotls.Setting;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where a setting's value comes from, in this order: a command-line option of
 * {@code autotls.jar} ({@code serve --domains=...}), system property, environment
 * variable, the builder, the default. Operators can thus override what the application
 * set in code without rebuilding it, and a command line says it last.
 */
public final class SettingSources {
    private final Map<Setting, String> options;
    private final Function<String, String> systemProperties;
    private final Function<String, String> environment;
    private final Map<Setting, String> builderValues;
    /** Whether autotls runs from its command line, where a setting nobody gave is best given as an option. */
    private final boolean commandLine;

    public SettingSources(Function<String, String> systemProperties, Function<String, String> environment,
                   Map<Setting, String> builderValues) {
        this(Map.of(), systemProperties, environment, builderValues);
    }

    public SettingSources(Map<Setting, String> options, Function<String, String> systemProperties,
                   Function<String, String> environment, Map<Setting, String> builderValues) {
        this(options, !options.isEmpty(), systemProperties, environment, builderValues);
    }

    /** @param commandLine whether autotls runs from its command line (even when no option was given) */
    public SettingSources(Map<Setting, String> options, boolean commandLine, Function<String, String> systemProperties,
                   Function<String, String> environment, Map<Setting, String> builderValues) {
        this.commandLine = commandLine;
        this.options = new EnumMap<>(Setting.class);
        this.options.putAll(options);
        this.systemProperties = systemProperties;
        this.environment = environment;
        this.builderValues = new EnumMap<>(Setting.class);
        this.builderValues.putAll(builderValues);
    }

    /** How each setting is written by whoever runs autotls, for sentences decided after parsing. */
    public SettingNames names() {
        Map<Setting, SettingNames.Source> given = new EnumMap<>(Setting.class);
        for (Setting setting : Setting.values()) {
            if (options.get(setting) != null) {
                given.put(setting, SettingNames.Source.OPTION);
            } else if (systemProperties.apply(setting.key()) != null) {
                given.put(setting, SettingNames.Source.PROPERTY);
            } else if (environment.apply(setting.environmentName()) != null) {
                given.put(setting, SettingNames.Source.ENVIRONMENT);
            } else if (builderValues.get(setting) != null) {
                given.put(setting, SettingNames.Source.CODE);
            }
        }
        return new SettingNames(given, commandLine);
    }

    /**
     * Names under {@code autotls.} / {@code AUTOTLS_} that are no setting (a typo such as
     * {@code autotls.domain}), each with the setting it most likely meant.
     */
    public static java.util.List<String> unknownNames(java.util.Set<String> propertyNames, java.util.Set<String> environmentNames) {
        java.util.List<String> unknown = new java.util.ArrayList<>();
        java.util.Set<String> keys = new java.util.HashSet<>();
        java.util.Set<String> environment = new java.util.HashSet<>();
        for (Setting setting : Setting.values()) {
            keys.add(setting.key());
            environment.add(setting.environmentName());
        }
        for (String name : propertyNames) {
            if (name.startsWith("autotls.") && !keys.contains(name) && !name.startsWith("autotls.serve.")
                    && !name.equals("autotls.peers") && !name.equals("autotls.jar")) {
                unknown.add("-D" + name + " (did you mean " + closest(name, keys) + "?)");
            }
        }
        for (String name : environmentNames) {
            if (name.startsWith("AUTOTLS_") && !environment.contains(name)) {
                unknown.add(name + " (did you mean " + closest(name, environment) + "?)");
            }
        }
        return unknown;
    }

    private static String closest(String name, java.util.Set<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = distance(name, candidate);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = candidate;
            }
        }
        return best;
    }

    /** Levenshtein distance: small names, computed once at start-up. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** The value and where it came from, or empty when unset and without default. */
    Optional<Value> get(Setting setting) {
        String fromOption = options.get(setting);
        if (fromOption != null) {
            return Optional.of(new Value(setting, fromOption.trim(), SettingNames.option(setting), false));
        }
        String fromProperty = systemProperties.apply(setting.key());
        if (fromProperty != null) {
            return Optional.of(new Value(setting, fromProperty.trim(), "-D" + setting.key(), false));
        }
        String fromEnvironment = environment.apply(setting.environmentName());
        if (fromEnvironment != null) {
            return Optional.of(new Value(setting, fromEnvironment.trim(), setting.environmentName(), false));
        }
        String fromBuilder = builderValues.get(setting);
        if (fromBuilder != null) {
            return Optional.of(new Value(setting, fromBuilder.trim(), setting.key() + " (set in code)", false));
        }
        return Optional.ofNullable(setting.defaultValue()).map(v -> new Value(setting, v, setting.key() + " (default)", true));
    }

    /**
     * A raw value with its origin, for error messages.
     *
     * @param isDefault whether nobody set it: the value is the setting's default
     */
    record Value(Setting setting, String text, String origin, boolean isDefault) {

        /** A configuration error about this value: names the origin, the value and what to do. */
        ConfigurationException invalid(String whatIsAllowed) {
            String shown = setting.secret() ? "(hidden)" : "'" + text + "'";
            return new ConfigurationException(origin + " = " + shown + ": " + whatIsAllowed);
        }
    }
}
