package dev.autotls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.Setting;
import dev.autotls.cli.Main;
import dev.autotls.internal.cli.RecordsCommand;
import dev.autotls.internal.cli.SettingOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Settings as options after the command: names, bare switches, secrets, and -D written after -jar. */
class SettingOptionsTest {
    private final StringWriter err = new StringWriter();

    private Map<Setting, String> given(String command, String... args) {
        CommandLine cli = Main.commandLine();
        String[] all = new String[args.length + 1];
        all[0] = command;
        System.arraycopy(args, 0, all, 1, args.length);
        cli.parseArgs(all);
        return SettingOptions.given(cli.getSubcommands().get(command).getCommandSpec(), new PrintWriter(err));
    }

    @Test
    void optionsAreTheSettingsWithoutTheirPrefixAndABareSwitchMeansTrue() {
        assertThat(given("serve", "--domains=example.com", "--agree-tos", "--ca.trust=/etc/ca.pem", "--https.port", "8443"))
                .containsExactlyInAnyOrderEntriesOf(Map.of(Setting.DOMAINS, "example.com", Setting.AGREE_TOS, "true",
                        Setting.CA_TRUST, "/etc/ca.pem", Setting.HTTPS_PORT, "8443"));
        assertThat(given("serve", "--agree-tos=false", "--storage.create-schema=false"))
                .containsExactlyInAnyOrderEntriesOf(Map.of(Setting.AGREE_TOS, "false", Setting.STORAGE_CREATE_SCHEMA, "false"));
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aBareSwitchLeavesTheNextNameANameOfRecords() {
        CommandLine cli = Main.commandLine();
        cli.parseArgs("records", "--agree-tos", "a.test");
        RecordsCommand records = cli.getSubcommands().get("records").getCommand();
        assertThat(records.names).containsExactly("a.test");
        assertThat(SettingOptions.given(records.spec, new PrintWriter(err))).containsEntry(Setting.AGREE_TOS, "true");
    }

    @Test
    void aSecretGivenAsAnOptionIsWarnedAboutWithoutShowingIt() {
        assertThat(given("serve", "--storage.password=hunter2", "--eab.hmac-key=c2VjcmV0"))
                .containsEntry(Setting.STORAGE_PASSWORD, "hunter2");
        assertThat(err.toString().lines())
                .anySatisfy(line -> assertThat(line).contains("--storage.password", "visible to other users", "AUTOTLS_STORAGE_PASSWORD"))
                .anySatisfy(line -> assertThat(line).contains("--eab.hmac-key", "AUTOTLS_EAB_HMAC_KEY"))
                .hasSize(2);
        assertThat(err.toString()).doesNotContain("hunter2", "c2VjcmV0");
    }

    @Test
    void systemPropertyAfterJarGetsAOneLineHintToMoveIt() {
        CommandLine cli = Main.commandLine().setErr(new PrintWriter(err));
        int exit = cli.execute("serve", "-Dautotls.domains=example.com");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly(
                "Unknown option: '-Dautotls.domains=example.com'",
                "-Dautotls.domains=example.com comes after -jar, where java passes it on to autotls: put it before -jar "
                        + "(java -Dautotls.domains=example.com -jar autotls.jar serve) or write it as --domains=example.com.",
                "'java -jar autotls.jar serve --help' lists the options.");
    }

    @Test
    void everyCommandSaysInItsHelpWhichSettingsItReads() {
        assertThat(Main.help("serve").replaceAll("\\s+", " ")).contains("--domains=VALUE", "--agree-tos[=true|false]",
                "Default: 443.", "Secrets belong in the environment (AUTOTLS_CA_2_EAB_HMAC_KEY, AUTOTLS_CA_3_EAB_HMAC_KEY, "
                        + "AUTOTLS_STORAGE_PASSWORD, AUTOTLS_STORAGE_KEY, AUTOTLS_STORAGE_LISTEN_URL, AUTOTLS_RFC2136_TSIG, AUTOTLS_PROXY, "
                        + "AUTOTLS_EAB_HMAC_KEY)");
        assertThat(Main.help("records")).contains("--acmedns.url=VALUE", "NAME");
        assertThat(Main.help("migrate-storage")).contains("AUTOTLS_STORAGE_PASSWORD (-Dautotls.storage.password)",
                "AUTOTLS_STORAGE_KEY (-Dautotls.storage.key)").doesNotContain("--domains");
        assertThat(Main.help("acme-dns")).contains("config.cfg holds them all").doesNotContain("--domains");
    }
}
