package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keeps the three lists of settings one list: the {@link Setting} table, the reference table in
 * {@code docs/settings.md} and {@code serve --help} (and {@code records --help}) name the same settings, with the
 * same environment names and defaults, and nothing more.
 */
class ReadmeTest {

    @Test
    void readmeTableServeHelpAndTheSettingTableAgree() throws Exception {
        String settings = Files.readString(Path.of("docs/settings.md"));
        List<String> rows = settings.lines().filter(line -> line.startsWith("| `autotls.")).toList();
        assertThat(rows.stream().map(row -> row.substring(3, row.indexOf('`', 3))))
                .as("the settings table in docs/settings.md")
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(Setting.values()).map(Setting::key).toList());
        for (Setting setting : Setting.values()) {
            String row = rows.stream().filter(line -> line.startsWith("| `" + setting.key() + "` |")).findFirst().orElseThrow();
            assertThat(row).as(setting.key()).contains("`" + setting.environmentName() + "`");
            if (setting.defaultValue() != null) {
                assertThat(row).as(setting.key()).contains("`" + setting.defaultValue() + "`");
            }
        }
        for (String command : List.of("serve", "records")) {
            Map<String, String> options = settingOptions(Main.help(command));
            // in groups, the essentials first: HelpTextTest checks the order
            assertThat(options.keySet()).as(command + " --help lists every setting once")
                    .containsExactlyInAnyOrderElementsOf(Arrays.stream(Setting.values())
                            .map(setting -> "--" + setting.key().substring("autotls.".length())).toList());
            for (Setting setting : Setting.values()) {
                String help = options.get("--" + setting.key().substring("autotls.".length()));
                if (setting.defaultValue() != null) {
                    assertThat(help).as(command + " --help for " + setting.key()).contains("Default: " + setting.defaultValue() + ".");
                } else {
                    assertThat(help).as(command + " --help for " + setting.key()).doesNotContain("Default: null");
                }
            }
        }
    }

    /** The options under the help's "Settings" heading and the groups after it, each with its description on one line. */
    private static Map<String, String> settingOptions(String help) {
        Map<String, String> options = new LinkedHashMap<>();
        String current = null;
        boolean inSettings = false;
        for (String line : help.lines().toList()) {
            if (line.startsWith("Settings")) {
                inSettings = true;
            } else if (inSettings && line.startsWith("      --")) {
                String option = line.trim();
                current = option.split("[=\\[ ]", 2)[0];
                options.put(current, option.substring(current.length()));
            } else if (inSettings && line.startsWith("   ") && current != null) {
                options.merge(current, " " + line.trim(), String::concat);
            } else if (inSettings && !line.startsWith(" ")) {
                current = null;
            }
        }
        return options;
    }
}
