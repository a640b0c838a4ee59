package dev.autotls.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code java -D... -jar target/autotls.jar serve} as its own process, with its output in a log file. */
public final class ServeProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    public final int httpsPort;

    private ServeProcess(Process process, Path log, int httpsPort) {
        this.process = process;
        this.log = log;
        this.httpsPort = httpsPort;
    }

    /** Starts {@code serve} with these settings (names without {@code autotls.}), logging to {@code log}. */
    public static ServeProcess start(Map<String, String> settings, int httpsPort, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        settings.forEach((key, value) -> command.add("-Dautotls." + key + "=" + value));
        command.add("-Dautotls.https.port=" + httpsPort);
        command.addAll(List.of("-jar", System.getProperty("autotls.jar", "target/autotls.jar"), "serve"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ServeProcess(process, log, httpsPort);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook runs, no lease is released, as in a crash. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Fails with the log if the process has exited. */
    public void requireAlive() {
        if (!process.isAlive()) {
            throw new AssertionError("serve exited with " + process.exitValue() + ":\n" + log());
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        Processes.awaitExit(process);
    }
}
