package dev.autotls.internal.config;

import dev.autotls.Setting;
import java.util.EnumMap;
import java.util.Map;

/**
 * How the person running autotls writes each setting, for sentences that say what to change:
 * the form its value came from ({@code --https.port}, {@code -Dautotls.https.port},
 * {@code AUTOTLS_HTTPS_PORT}, the application's code), and for a setting nobody gave, the
 * command-line option when autotls runs from its command line (the user is typing options there),
 * else {@code -D} and the environment. Errors decided after the configuration is parsed (at
 * install, at start) use this; a snapshot, so it never reads the environment again.
 */
public final class SettingNames {
    /** Where a value came from; settings without an entry were not given (a default, or nothing). */
    enum Source { OPTION, PROPERTY, ENVIRONMENT, CODE }

    private final Map<Setting, Source> given;
    private final boolean commandLine;

    SettingNames(Map<Setting, Source> given, boolean commandLine) {
        this.given = new EnumMap<>(Setting.class);
        this.given.putAll(given);
        this.commandLine = commandLine;
    }

    /** For tools and tests that build a configuration by hand: every setting named by its key. */
    public static SettingNames keys() {
        return new SettingNames(Map.of(), false);
    }

    /** Whether the person gave this setting at all (an option, -D, the environment or code). */
    public boolean given(Setting setting) {
        return given.containsKey(setting);
    }

    /** Whether the form the person would write is the command line's option. */
    public boolean onCommandLine(Setting setting) {
        Source source = given.get(setting);
        return source == Source.OPTION || (source == null && commandLine);
    }

    /** The setting as the person wrote it ({@code --https.port}), or would write it when they did not. */
    public String of(Setting setting) {
        Source source = given.get(setting);
        if (source == null) {
            return commandLine ? option(setting) : setting.key();
        }
        switch (source) {
            case OPTION:
                return option(setting);
            case PROPERTY:
                return "-D" + setting.key();
            case ENVIRONMENT:
                return setting.environmentName();
            default:
                return setting.key() + " (set in code)";
        }
    }

    /**
     * How to give the setting {@code value}, in the form the person used: {@code --agree-tos},
     * {@code --https.port=8443}, {@code -Dautotls.https.port=8443} or {@code AUTOTLS_HTTPS_PORT=8443};
     * for one not given, the command line's option first when there is one, then -D and the environment
     * (which also win over what the application's code sets).
     */
    public String toSet(Setting setting, String value) {
        String property = "-D" + setting.key() + "=" + value;
        String environment = setting.environmentName() + "=" + value;
        Source source = given.get(setting);
        if (source == Source.OPTION) {
            return optionWith(setting, value);
        }
        if (source == Source.PROPERTY) {
            return property;
        }
        if (source == Source.ENVIRONMENT) {
            return environment;
        }
        if (commandLine) {
            return optionWith(setting, value) + " (or " + property + " before -jar, or " + environment + ")";
        }
        return property + " (or " + environment + ")";
    }

    /**
     * {@code setting=value} in the one form the person used ({@code --https.port=8443},
     * {@code -Dautotls.https.port=8443}, {@code AUTOTLS_HTTPS_PORT=8443}); the key for a value set in code,
     * and -D for one not given outside the command line.
     * For sentences that name several settings, where {@link #toSet}'s alternatives would be too long.
     */
    public String assignment(Setting setting, String value) {
        Source source = given.get(setting);
        if (source == Source.OPTION || (source == null && commandLine)) {
            return optionWith(setting, value);
        }
        if (source == Source.ENVIRONMENT) {
            return setting.environmentName() + "=" + value;
        }
        // -D for one not given: it also wins over what the application's code sets
        return source == Source.CODE ? setting.key() + "=" + value : "-D" + setting.key() + "=" + value;
    }

    /** {@code --ca.trust} for {@code autotls.ca.trust}. */
    static String option(Setting setting) {
        return "--" + setting.key().substring("autotls.".length());
    }

    /** A switch set to true is the bare option, as the user types it; anything else {@code --name=value}. */
    private static String optionWith(Setting setting, String value) {
        boolean isSwitch = "false".equals(setting.defaultValue()) || "true".equals(setting.defaultValue());
        return isSwitch && "true".equals(value) ? option(setting) : option(setting) + "=" + value;
    }
}
