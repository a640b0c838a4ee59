package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Keeps the README's settings reference true: every setting, with its environment name and default. */
class ReadmeTest {

    @Test
    void readmeListsEverySettingWithItsEnvironmentNameAndDefault() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (Setting setting : Setting.values()) {
            String row = readme.lines().filter(line -> line.startsWith("| `" + setting.key() + "` |")).findFirst()
                    .orElseThrow(() -> new AssertionError("README.md has no reference row for " + setting.key()));
            assertThat(row).contains("`" + setting.environmentName() + "`");
            if (setting.defaultValue() != null) {
                assertThat(row).as(setting.key()).contains("`" + setting.defaultValue() + "`");
            }
        }
    }
}
