package dev.autotls.internal.cli;

import dev.autotls.AutoTls;
import dev.autotls.Setting;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Every {@link Setting} as an option of a command ({@code serve --domains=example.com
 * --agree-tos}), named as the setting without {@code autotls.}. The options and their help
 * are made from the {@code Setting} table itself, so {@code --help}, the README's reference
 * and the library cannot name different settings or defaults. A given option goes to the
 * builder's {@link AutoTls.Builder#commandLine} source, above {@code -D} and the environment.
 */
public final class SettingOptions {
    private static final String PREFIX = "autotls.";

    private SettingOptions() {
    }

    /** {@code --ca.trust} for {@code autotls.ca.trust}. */
    static String optionName(Setting setting) {
        return "--" + setting.key().substring(PREFIX.length());
    }

    /** A setting whose default is {@code true} or {@code false}: the bare option means {@code true}. */
    static boolean isSwitch(Setting setting) {
        return "true".equals(setting.defaultValue()) || "false".equals(setting.defaultValue());
    }

    /**
     * The width of an option's description column in picocli's default layout (80 columns, less the options
     * column and the continuation indent): descriptions are wrapped here at spaces, because picocli's own
     * wrapping also breaks after '.', ':' and '/', which cut names in two ({@code autotls.} / {@code ca}).
     */
    static final int DESCRIPTION_WIDTH = 49;

    /**
     * Adds one option per setting to {@code spec}, under {@link SettingGroup}'s headings (the essentials
     * first, saying how options relate to -D), in the table's order within a group.
     */
    public static void addTo(CommandSpec spec) {
        int order = 0;
        for (SettingGroup group : SettingGroup.values()) {
            ArgGroupSpec.Builder options = ArgGroupSpec.builder().exclusive(false).multiplicity("0..1").validate(false)
                    .order(order++).heading("%n" + String.join("%n", wrapped(group.heading, "")) + "%n");
            for (Setting setting : Setting.values()) {
                if (SettingGroup.of(setting) == group) {
                    options.addArg(option(setting));
                }
            }
            spec.addArgGroup(options.build());
        }
        List<String> footer = new ArrayList<>(List.of(spec.usageMessage().footer()));
        footer.add(""); // a blank line before it
        footer.addAll(wrapped(secretsFooter(), ""));
        spec.usageMessage().sortOptions(false).abbreviateSynopsis(true).footer(footer.toArray(String[]::new));
    }

    private static OptionSpec option(Setting setting) {
        OptionSpec.Builder option = OptionSpec.builder(optionName(setting))
                .description(wrapped(optionHelp(setting), "", DESCRIPTION_WIDTH).toArray(String[]::new));
        if (isSwitch(setting)) {
            // Boolean, so that `records --agree-tos a.test` leaves a.test a NAME instead of taking it as the value
            option.type(Boolean.class).arity("0..1").fallbackValue("true").paramLabel("true|false");
        } else {
            option.type(String.class).arity("1").paramLabel("VALUE");
        }
        return option.build();
    }

    /**
     * For a command that reads a few settings itself, not as options: lists them in its help,
     * from the same table, before the rest of its footer.
     */
    public static void describeIn(CommandSpec spec, Setting... settings) {
        List<String> footer = new ArrayList<>();
        footer.add("%nSettings it reads (from the environment, or as -D before -jar):");
        for (Setting setting : settings) {
            footer.add("  " + setting.environmentName() + " (-D" + setting.key() + ")");
            footer.addAll(wrapped(helpText(setting.description().replace("`", "")), "      "));
        }
        footer.addAll(List.of(spec.usageMessage().footer()));
        spec.usageMessage().footer(footer.toArray(String[]::new));
    }

    private static List<String> wrapped(String text, String indent) {
        return wrapped(text, indent, 80);
    }

    /** Lines of at most {@code width} characters, broken at spaces only (a longer word gets a line of its own). */
    static List<String> wrapped(String text, String indent, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.split(" ")) {
            if (line.length() > indent.length() && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line = new StringBuilder(indent);
            }
            line.append(line.length() > indent.length() ? " " : "").append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    /**
     * The settings given as options of the command just parsed; warns on {@code err} about each
     * secret among them, which other users of the machine can read in the process list.
     */
    public static Map<Setting, String> given(CommandSpec spec, PrintWriter err) {
        ParseResult parsed = spec.commandLine().getParseResult();
        Map<Setting, String> given = new EnumMap<>(Setting.class);
        for (Setting setting : Setting.values()) {
            String name = optionName(setting);
            if (parsed.hasMatchedOption(name)) {
                given.put(setting, String.valueOf((Object) parsed.matchedOptionValue(name, null)));
                if (setting.secret()) {
                    err.println("autotls " + spec.name() + ": warning: " + name + " on the command line is visible to other "
                            + "users of this machine (ps, /proc); set " + setting.environmentName() + " in the environment instead.");
                }
            }
        }
        err.flush();
        return given;
    }

    /** The setting's description for a terminal (no Markdown backticks), then its default. */
    static String optionHelp(Setting setting) {
        String text = setting.description().replace("`", "");
        if (setting.defaultValue() != null) {
            text += " Default: " + setting.defaultValue() + ".";
        }
        return helpText(text);
    }

    /** picocli formats help text ({@code %n}) and expands {@code ${...}}: keeps the table's text literal. */
    private static String helpText(String text) {
        return text.replace("%", "%%").replace("${", "$${");
    }

    private static String secretsFooter() {
        StringBuilder secrets = new StringBuilder();
        for (Setting setting : Setting.values()) {
            if (setting.secret()) {
                secrets.append(secrets.length() == 0 ? "" : ", ").append(setting.environmentName());
            }
        }
        return "Secrets belong in the environment (" + secrets + "): options and -D are visible to other users of "
                + "this machine.";
    }
}
