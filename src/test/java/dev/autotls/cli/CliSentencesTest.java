package dev.autotls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.Setting;
import dev.autotls.internal.cli.DoctorCommand;
import dev.autotls.internal.config.SettingNames;
import dev.autotls.internal.config.SettingSources;
import dev.autotls.internal.jetty.ListenFailure;
import dev.autotls.internal.store.StorageFailures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 23 (d): the sentences of the rough edges, in-process where no process boundary is involved; CliEdgesIT
 * runs the jar for the same and for what needs a real peer (a privileged port, the CA, a running site).
 */
class CliSentencesTest {
    private final StringWriter err = new StringWriter();
    private final StringWriter out = new StringWriter();

    @TempDir
    Path folder;

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(out));
        return cli.execute(args);
    }

    @Test
    void serveWithoutAgreeTosIsOneSentenceNamingTheOptionAndExitTwo() {
        Path storage = folder.resolve("storage");
        int exit = run("serve", "--domains=a.test", "--ca=https://ca.invalid/dir", "--storage=" + storage, "--https.port=0",
                "--http.port=0");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly("autotls serve: --agree-tos is not given and " + storage
                + " holds no account for https://ca.invalid/dir, so none can be created; read the CA's terms of service, "
                + "then set --agree-tos (or -Dautotls.agree-tos=true before -jar, or AUTOTLS_AGREE_TOS=true)");
    }

    @Test
    void helpAndNoCommand() {
        assertThat(run("help", "serve")).isZero();
        assertThat(out.toString()).startsWith("Usage: java -jar autotls.jar serve [OPTIONS]");
        assertThat(run()).as("no command is a usage error").isEqualTo(2);
        assertThat(err.toString()).startsWith("Usage: java -jar autotls.jar [-hV] [COMMAND]");
    }

    @Test
    void doctorReturnsTheConfigurationErrorItsHelpNames() {
        int exit = run("doctor", "--domains=a.test", "--https.port=x");
        assertThat(exit).as(err.toString()).isEqualTo(DoctorCommand.CONFIGURATION_ERROR);
        assertThat(err.toString().lines()).containsExactly(
                "autotls doctor: --https.port = 'x': a port is a whole number from 1 to 65535 (0 picks a free one)");
    }

    /** Item 4 without needing an unprivileged user: the operating system's "Permission denied", as each form names it. */
    @Test
    void aRefusedLowPortNamesTheFixesInTheFormTheUserUsed() {
        SettingNames commandLine = new SettingSources(Map.of(Setting.HTTPS_PORT, "443"), true, key -> null, key -> null,
                Map.of()).names();
        assertThat(ListenFailure.sentence(commandLine, Setting.HTTPS_PORT, 443,
                ListenFailure.reason(new java.io.IOException("Failed to bind", new java.net.BindException("Permission denied")))))
                .isEqualTo("--https.port = 443: this user may not listen on a port below 1024 (Permission denied); use "
                        + "--https.port=8443 and --http.port=8080, or let java bind low ports (sudo setcap "
                        + "cap_net_bind_service=+ep $(readlink -f $(which java))), or run behind a reverse proxy or an "
                        + "iptables redirect from 443 to 8443");
        SettingNames properties = new SettingSources(Map.of(), false, Map.of("autotls.http.port", "80")::get, key -> null,
                Map.of()).names();
        assertThat(ListenFailure.sentence(properties, Setting.HTTP_PORT, 80, "Permission denied"))
                .isEqualTo("-Dautotls.http.port = 80: this user may not listen on a port below 1024 (Permission denied); "
                        + "use -Dautotls.https.port=8443 and -Dautotls.http.port=8080, or let java bind low ports (sudo setcap "
                        + "cap_net_bind_service=+ep $(readlink -f $(which java))), or run behind a reverse proxy or an "
                        + "iptables redirect from 80 to 8080");
    }

    @Test
    void aRefusedManagementPortOrAHighPortIsNotTreatedAsTheLowPortRule() {
        SettingNames commandLine = new SettingSources(Map.of(Setting.MANAGEMENT_PORT, "900"), true, key -> null,
                key -> null, Map.of()).names();
        assertThat(ListenFailure.sentence(commandLine, Setting.MANAGEMENT_PORT, 900, "Permission denied"))
                .isEqualTo("--management.port = 900: this user may not listen on a port below 1024 (Permission denied); "
                        + "use --management.port=9090 or another port from 1024");
        assertThat(ListenFailure.sentence(commandLine, Setting.HTTPS_PORT, 8443, "Permission denied"))
                .isEqualTo("--https.port = 8443: this user may not listen on port 8443 (Permission denied); choose another "
                        + "port, or allow this one in the system's security policy");
    }

    @Test
    void aStorageFolderRefusedToThisUserIsNamedInWords() {
        AccessDeniedException denied = new AccessDeniedException("/srv/autotls/.guard");
        assertThat(StorageFailures.reason(denied)).isEqualTo("permission denied on /srv/autotls/.guard");
        assertThat(StorageFailures.fix(Path.of("/srv/autotls"), denied)).isEqualTo("give it to the user running autotls "
                + "(sudo chown -R " + System.getProperty("user.name") + " '/srv/autotls'), or choose a folder this user may write");
    }

    @Test
    void trustSystemWithNoRootYetRefusesAndWritesNothingInTheUsersStorage() throws Exception {
        Path storage = Files.createDirectories(folder.resolve("user's storage"));
        assertThat(run("trust", "--system", "--storage=" + storage)).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("autotls trust: " + storage + " holds no local CA yet, and trust as root "
                + "only reads it (files made by root there would stop the user's own serve); run serve or trust as the user "
                + "first, then this again.");
        try (Stream<Path> made = Files.list(storage)) {
            assertThat(made).as("no root made, nothing written").isEmpty();
        }
    }
}
