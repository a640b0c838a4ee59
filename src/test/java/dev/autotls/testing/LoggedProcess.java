package dev.autotls.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A child process the tests started whose output goes to a log file: its log, a liveness check that shows the log, and a stop. */
abstract class LoggedProcess implements AutoCloseable {
    protected final Process process;
    private final Path log;
    private final String what;

    /** @param what how failures name the process, e.g. {@code "serve"} */
    LoggedProcess(Process process, Path log, String what) {
        this.process = process;
        this.log = log;
        this.what = what;
    }

    public boolean isAlive() {
        return process.isAlive();
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
            throw new AssertionError(what + " exited with " + process.exitValue() + ":\n" + log());
        }
    }

    @Override
    public void close() {
        process.destroy();
        Processes.awaitExit(process);
    }
}
