package dev.autotls.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.Setting;
import dev.autotls.cli.Main;
import dev.autotls.internal.acmedns.ConfigFile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 23 (e, the help half): the numbers and lists in --help are the code's, and no name is wrapped in two. */
class HelpTextTest {

    /** Each option under the settings headings, with its description lines as printed. */
    private static Map<String, List<String>> settingOptions(String help) {
        Map<String, List<String>> options = new LinkedHashMap<>();
        String current = null;
        for (String line : help.lines().toList()) {
            if (line.startsWith("      --")) {
                String option = line.trim();
                current = option.split("[=\\[ ]", 2)[0];
                List<String> lines = new ArrayList<>();
                String rest = option.substring(current.length()).replaceFirst("^(=VALUE|\\[=true\\|false])", "").trim();
                if (!rest.isEmpty()) {
                    lines.add(rest);
                }
                options.put(current, lines);
            } else if (line.startsWith("                             ") && current != null) {
                options.get(current).add(line.trim());
            } else {
                current = null;
            }
        }
        return options;
    }

    @Test
    void serveHelpListsTheEssentialsFirstThenEverySettingOnceUnderItsGroup() {
        String help = Main.help("serve");
        List<String> listed = new ArrayList<>(settingOptions(help).keySet());
        List<String> expected = Arrays.stream(SettingGroup.values()).flatMap(group -> Arrays.stream(Setting.values())
                .filter(setting -> SettingGroup.of(setting) == group)).map(SettingOptions::optionName).toList();
        assertThat(listed).containsExactlyElementsOf(expected);
        assertThat(listed.subList(0, 4)).containsExactly("--domains", "--email", "--ca", "--ca.trust");
        assertThat(listed.indexOf("--ca.2.trust")).isGreaterThan(listed.indexOf("--agree-tos"));
        int previous = -1;
        for (SettingGroup group : SettingGroup.values()) {
            int at = help.replaceAll("\\s+", " ").indexOf(group.heading);
            assertThat(at).as(group.heading).isGreaterThan(previous);
            previous = at;
        }
    }

    @Test
    void noDescriptionIsWrappedInsideAWord() {
        Map<String, List<String>> options = settingOptions(Main.help("serve"));
        for (Setting setting : Setting.values()) {
            List<String> lines = options.get(SettingOptions.optionName(setting));
            // wrapped at spaces only: the lines joined by one space are the description itself
            assertThat(String.join(" ", lines)).as(setting.key())
                    .isEqualTo(SettingOptions.optionHelp(setting).replace("%%", "%").replace("$${", "${"));
            assertThat(lines).as(setting.key()).allSatisfy(line -> assertThat(line.length())
                    .isLessThanOrEqualTo(SettingOptions.DESCRIPTION_WIDTH));
        }
    }

    @Test
    void acmeDnsHelpListsEveryKeyOfTheAutotlsSection() {
        String help = Main.help("acme-dns").replaceAll("\\s+", " ");
        assertThat(ConfigFile.AUTOTLS_KEYS).hasSize(13);
        assertThat(help).contains("extras go in an [autotls] section (" + String.join(", ", ConfigFile.AUTOTLS_KEYS) + ")");
    }

    @Test
    void doctorHelpGivesTheExitCodesDoctorReturns() {
        assertThat(Main.help("doctor").replaceAll("\\s+", " ")).contains("Exit codes: " + DoctorCommand.NOTHING_FAILED
                + " nothing failed, " + DoctorCommand.SOMETHING_FAILED + " a check failed, "
                + DoctorCommand.CONFIGURATION_ERROR + " a setting is wrong (nothing was checked).");
        assertThat(List.of(DoctorCommand.NOTHING_FAILED, DoctorCommand.SOMETHING_FAILED, DoctorCommand.CONFIGURATION_ERROR))
                .containsExactly(0, 1, 2); // what CliSentencesTest sees doctor return
    }
}
