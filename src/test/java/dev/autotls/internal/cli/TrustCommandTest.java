package dev.autotls.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.localca.ShellWord;
import org.junit.jupiter.api.Test;

/** The command {@code trust} prints for the system store: one to copy, each path one shell word. */
class TrustCommandTest {

    @Test
    void theCommandToCopyQuotesEachPathAsOneShellWordAndHoldsNoProse() {
        assertThat(LocalRootAccess.systemCommand("/opt/autotls/autotls.jar", "trust", "/var/lib/autotls"))
                .isEqualTo("sudo java -jar /opt/autotls/autotls.jar trust --system --storage=/var/lib/autotls");
        assertThat(LocalRootAccess.systemCommand("/home/ann/my apps/autotls.jar", "untrust", "/home/ann/it's here"))
                .isEqualTo("sudo java -jar '/home/ann/my apps/autotls.jar' untrust --system --storage='/home/ann/it'\\''s here'");
        assertThat(ShellWord.of("$(rm -rf ~)")).isEqualTo("'$(rm -rf ~)'");
    }
}
