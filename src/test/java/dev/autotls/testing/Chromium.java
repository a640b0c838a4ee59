package dev.autotls.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless Chromium loading one page, with {@code HOME} (where it reads the NSS database
 * {@code ~/.pki/nssdb}) and its profile under the test's folder, so nothing of this machine's user
 * is read or changed. Runs without its sandbox (see {@link #dumpDom(List, Path, String)}).
 */
public final class Chromium {
    private Chromium() {
    }

    /** What it printed: the DOM on stdout when the page loaded, the reason on stderr when not. */
    public record Load(int exitCode, String dom, String log) {
        public boolean certificateRefused() {
            return log.contains("ERR_CERT_");
        }
    }

    /** Loads {@code url} once in a new profile folder under {@code home}; at most a minute. */
    public static Load dumpDom(Path home, String url) throws IOException, InterruptedException {
        return dumpDom(List.of(), home, url);
    }

    /** The same, Chromium started after {@code prefix} (e.g. {@link AsUser#prefix}, to run it as another user). */
    public static Load dumpDom(List<String> prefix, Path home, String url) throws IOException, InterruptedException {
        Path chromium = SystemPeers.program("chromium", "chromium");
        Path profile = AsUser.hand(Files.createTempDirectory(home.getParent(), "chromium-profile-"));
        Path log = profile.resolveSibling(profile.getFileName() + ".log");
        Path dom = profile.resolveSibling(profile.getFileName() + ".dom");
        List<String> command = new ArrayList<>(prefix);
        // no sandbox: as root Chromium refuses it, and as nobody in a container it finds no namespaces to make one
        command.addAll(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--user-data-dir=" + profile.toAbsolutePath(), "--dump-dom", url));
        ProcessBuilder builder = new ProcessBuilder(command);
        AutotlsJar.isolate(builder.environment(), home);
        // output to files, not pipes: reading a pipe to its end would block before the bounded wait
        Process process = builder.redirectError(log.toFile()).redirectOutput(dom.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!process.waitFor(1, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("chromium did not finish loading " + url + " within a minute; its log: " + log);
        }
        return new Load(process.exitValue(), new String(Files.readAllBytes(dom), StandardCharsets.UTF_8),
                Files.readString(log));
    }
}
