package dev.autotls.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code java -D... -jar target/autotls.jar serve} as its own process, with its output in a log file. */
public final class ServeProcess extends LoggedProcess {
    public final int httpsPort;

    private ServeProcess(Process process, Path log, int httpsPort) {
        super(process, log, "serve");
        this.httpsPort = httpsPort;
    }

    /** Starts {@code serve} with these settings (names without {@code autotls.}), logging to {@code log}. */
    public static ServeProcess start(Map<String, String> settings, int httpsPort, Path log) throws IOException {
        return start(List.of(), settings, httpsPort, log);
    }

    /** The same, the command after {@code prefix} (e.g. {@link AsUser#prefix}, to run it as another user). */
    public static ServeProcess start(List<String> prefix, Map<String, String> settings, int httpsPort, Path log)
            throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        settings.forEach((key, value) -> command.add("-Dautotls." + key + "=" + value));
        command.add("-Dautotls.https.port=" + httpsPort);
        command.addAll(List.of("-jar", System.getProperty("autotls.jar", "target/autotls.jar"), "serve"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ServeProcess(process, log, httpsPort);
    }

    /** SIGKILL: no shutdown hook runs, no lease is released, as in a crash. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }
}
