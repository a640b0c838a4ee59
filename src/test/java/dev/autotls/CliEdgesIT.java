package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.Await;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.Ports;
import dev.autotls.testing.TlsClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23 (d): the rough edges a new user met, each as {@code java -jar target/autotls.jar} prints it:
 * the exact sentence, the exit code (2 for a settings error) and no stack trace.
 */
class CliEdgesIT {
    private static final Duration STARTED_WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    record Result(int exit, String stdout, String stderr) {
        /** Everything printed, for failure messages and the no-stack-trace check. */
        String all() {
            return stdout + stderr;
        }
    }

    private Result run(List<String> prefix, String... args) throws Exception {
        List<String> line = new ArrayList<>(prefix);
        line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        line.addAll(List.of("-jar", jar()));
        line.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = new ProcessBuilder(line).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("autotls.jar %s ended", List.of(args)).isTrue();
        Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        assertThat(result.all()).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception in thread");
        return result;
    }

    private static String jar() {
        return Path.of(System.getProperty("autotls.jar", "target/autotls.jar")).toAbsolutePath().toString();
    }

    /** stderr without the INFO/WARN log lines, which are not the command's sentences. */
    private static List<String> sentences(Result result) {
        return result.stderr().lines().filter(line -> line.startsWith("autotls ") || !line.matches("^\\d{4}-.*")).toList();
    }

    @Test
    void serveWithoutAgreeTosNamesTheOptionInOneSentence() throws Exception {
        Path storage = dir.resolve("storage");
        Result result = run(List.of(), "serve", "--domains=a.test", "--ca=https://ca.invalid/dir", "--storage=" + storage,
                "--https.port=0", "--http.port=0");
        assertThat(result.exit()).as(result.all()).isEqualTo(2);
        assertThat(sentences(result)).containsExactly("autotls serve: --agree-tos is not given and " + storage
                + " holds no account for https://ca.invalid/dir, so none can be created; read the CA's terms of service, "
                + "then set --agree-tos (or -Dautotls.agree-tos=true before -jar, or AUTOTLS_AGREE_TOS=true)");
    }

    @Test
    void aMissingOrMistypedOptionNamesTheOption() throws Exception {
        Result missing = run(List.of(), "serve", "--storage=" + dir.resolve("storage"));
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(sentences(missing)).containsExactly("autotls serve: --domains is not set and " + dir.resolve("storage")
                + " holds no names managed at run time: name at least one domain, e.g. "
                + "--domains=example.com,*.example.com (or -Dautotls.domains=example.com,*.example.com before -jar, or "
                + "AUTOTLS_DOMAINS=example.com,*.example.com)");
        Result typo = run(List.of(), "serve", "--domain=x");
        assertThat(typo.exit()).isEqualTo(2);
        assertThat(typo.stderr().lines()).containsExactly("Unknown option: '--domain=x'", "Did you mean --domains=x?",
                "'java -jar autotls.jar serve --help' lists the options.");
        Result nothing = run(List.of());
        assertThat(nothing.exit()).as("no command is a usage error").isEqualTo(2);
        assertThat(nothing.stderr()).startsWith("Usage: java -jar autotls.jar [-hV] [COMMAND]").contains("  serve ", "  help ");
        assertThat(nothing.stdout()).isEmpty();
        Result help = run(List.of(), "help", "serve");
        assertThat(help.exit()).isZero();
        assertThat(help.stdout()).startsWith("Usage: java -jar autotls.jar serve [OPTIONS]");
    }

    @Test
    void aPortBelow1024WithoutThePrivilegeNamesTheFixesThatWork() throws Exception {
        List<String> asUser = List.of();
        if ("root".equals(System.getProperty("user.name"))) {
            // root may bind any port: run the jar as nobody, without root's capabilities
            assertThat(Path.of("/usr/bin/setpriv")).as("setpriv, to run the jar without root (Debian: apt-get install util-linux)")
                    .isExecutable();
            asUser = List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        int low = freeLowPort();
        Path storage = dir.resolve("storage");
        Result result = run(asUser, "serve", "--domains=a.test", "--storage=" + storage,
                "--https.port=" + low, "--http.port=0", "--agree-tos");
        assertThat(result.exit()).as(result.all()).isEqualTo(2);
        assertThat(sentences(result)).containsExactly("autotls serve: --https.port = " + low + ": this user may not listen "
                + "on a port below 1024 (Permission denied); use --https.port=8443 and --http.port=8080, or let java bind "
                + "low ports (sudo setcap cap_net_bind_service=+ep $(readlink -f $(which java))), or run behind a reverse "
                + "proxy or an iptables redirect from " + low + " to 8443");
    }

    @Test
    void doctorSaysInOneSentenceThatTheCaIsUnknownOrNotTrusted() throws Exception {
        Result unknown = run(List.of(), "doctor", "--domains=a.test", "--challenge=tls-alpn-01",
                "--ca=https://no-such-ca.invalid/directory", "--storage=" + dir.resolve("storage"), "--https.port=0",
                "--http.port=off");
        assertThat(unknown.exit()).as(unknown.all()).isEqualTo(1);
        assertThat(unknown.stdout().lines()).as(unknown.all()).contains("fail  CA directory https://no-such-ca.invalid/directory "
                + "could not be reached: unknown host no-such-ca.invalid (check the name in --ca and this machine's DNS); "
                + "check --ca, --proxy and that this host may connect out to it.");
        try (Pebble pebble = Pebble.start("sid", Ports.free())) {
            Result untrusted = run(List.of(), "doctor", "--domains=a.test", "--challenge=tls-alpn-01",
                    "--ca=" + pebble.directory(), "--storage=" + dir.resolve("storage"), "--https.port=0", "--http.port=off");
            assertThat(untrusted.exit()).as(untrusted.all()).isEqualTo(1);
            assertThat(untrusted.stdout().lines()).as(untrusted.all()).contains("fail  The CA's certificate at "
                    + pebble.directory().getHost() + ":" + pebble.directory().getPort() + " is not trusted by this Java; pass "
                    + "--ca.trust=FILE with the CA's root (PEM).").noneMatch(line -> line.contains("PKIX"));
        }
    }

    @Test
    void doctorBesideTheRunningSiteReportsItInsteadOfItsPorts() throws Exception {
        int https = Ports.free();
        int http = Ports.free();
        int management = Ports.free();
        Path storage = dir.resolve("storage");
        List<String> settings = List.of("--domains=site.test", "--ca=https://ca.invalid/dir", "--storage=" + storage,
                "--https.port=" + https, "--http.port=" + http, "--agree-tos");
        Path log = dir.resolve("serve.log");
        List<String> serve = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar(), "serve", "--management.port=" + management));
        serve.addAll(settings);
        Process site = new ProcessBuilder(serve).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Await.until("serve's HTTPS port " + https, STARTED_WITHIN, () -> {
                assertThat(site.isAlive()).as("serve is running:%n%s", read(log)).isTrue();
                try {
                    TlsClient.inspecting().leaf(https, "site.test");
                    return true;
                } catch (Exception notYet) {
                    return false;
                }
            });
            // item 7: the management listener's handler is given the server, so Jetty has nothing to warn about
            assertThat(read(log)).doesNotContain("No Server set");

            List<String> doctor = new ArrayList<>(List.of("doctor"));
            doctor.addAll(settings);
            Result bare = run(List.of(), doctor.toArray(String[]::new));
            assertThat(bare.stdout().lines()).as(bare.all())
                    .contains("ok    site: running here; HTTPS port " + https + " serves this storage's certificates, so its "
                            + "ports are its own.")
                    .contains("warn  certificate site.test: none stored yet; serve serves a temporary self-signed certificate "
                            + "until the CA's arrives.")
                    .noneMatch(line -> line.contains("is in use"));

            doctor.add("--management.port=" + management);
            Result managed = run(List.of(), doctor.toArray(String[]::new));
            assertThat(managed.stdout().lines()).as(managed.all())
                    .contains("ok    site: running here; its management listener 127.0.0.1:" + management
                            + " answers, so its ports are its own.")
                    .anyMatch(line -> line.startsWith("warn  certificate site.test: the running site serves only its temporary "
                            + "self-signed certificate"))
                    .noneMatch(line -> line.contains("is in use"));
        } finally {
            site.destroy();
            site.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** A port below 1024 nobody listens on, found by binding it (this process may: it is root, or the test is skipped). */
    private static int freeLowPort() {
        for (int port = 1023; port > 900; port--) {
            try (ServerSocket probe = new ServerSocket(port)) {
                return port;
            } catch (IOException taken) {
                // the next one; as a user without the privilege every bind fails and the first is as good as any
            }
        }
        return 1023;
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
