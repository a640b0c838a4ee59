package dev.autotls.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link FleetInstance} in a JVM of its own, seen from the benchmark: started with its
 * settings as system properties, the moment of its start kept ({@link #startedNanos}, taken just
 * before the process is created), and driven through its standard input and output. Its log
 * (standard error) goes to a file.
 */
final class InstanceProcess implements AutoCloseable {
    private final String label;
    private final Process process;
    private final long startedNanos;
    private final Path log;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Writer commands;
    private int httpsPort = -1;
    private long uptimeAtReady = -1;

    private InstanceProcess(String label, Process process, long startedNanos, Path log) {
        this.label = label;
        this.process = process;
        this.startedNanos = startedNanos;
        this.log = log;
        this.commands = process.outputWriter(StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // the process went away: waiting for a line fails, naming the log
            }
        }, label + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code java [jvmOptions] -Dautotls.KEY=VALUE... FleetInstance} with this JVM's class
     * path; the settings are autotls's keys without the {@code autotls.} prefix. No {@code AUTOTLS_*}
     * variable of this environment reaches it.
     */
    static InstanceProcess start(String label, Map<String, String> settings, List<String> jvmOptions, Path log)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        settings.forEach((key, value) -> command.add("-Dautotls." + key + "=" + value));
        command.add(FleetInstance.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("AUTOTLS_"));
        long started = System.nanoTime();
        return new InstanceProcess(label, builder.start(), started, log);
    }

    /** Waits for the instance to say it has started; its HTTPS port. */
    int awaitReady(Duration timeout) throws Exception {
        String[] ready = next("ready ", timeout).split(" ");
        httpsPort = Integer.parseInt(ready[1]);
        uptimeAtReady = Long.parseLong(ready[2]);
        return httpsPort;
    }

    /** {@link System#nanoTime} just before the process was created. */
    long startedNanos() {
        return startedNanos;
    }

    int httpsPort() {
        return httpsPort;
    }

    /** Milliseconds from the JVM's start to the server's start, as the instance measured it. */
    long uptimeAtReady() {
        return uptimeAtReady;
    }

    /** Heap in use after a full collection in the instance, in bytes. */
    long heapAfterGc() throws Exception {
        return Long.parseLong(ask("heap", "heap ", Duration.ofMinutes(1)).split(" ")[1]);
    }

    /** Has the instance store a new certificate for {@code name}; its serial, once the store has committed it. */
    BigInteger store(String name) throws Exception {
        return new BigInteger(ask("store " + name, "stored " + name + " ", Duration.ofMinutes(1)).split(" ")[2], 16);
    }

    /**
     * Has the instance look at the store once, after the look under way if one is: its first look
     * after a start may read much. The milliseconds it took, or -1 if it had not answered within
     * {@code timeout} (the look goes on; its answer is skipped later).
     */
    long sync(Duration timeout) throws Exception {
        long begin = System.nanoTime();
        try {
            ask("sync", "synced ", timeout);
            return (System.nanoTime() - begin) / 1_000_000;
        } catch (IllegalStateException notYet) {
            if (!process.isAlive()) {
                throw notYet;
            }
            return -1;
        }
    }

    private String ask(String command, String answerPrefix, Duration timeout) throws Exception {
        commands.write(command + "\n");
        commands.flush();
        return next(answerPrefix, timeout);
    }

    private String next(String prefix, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IllegalStateException(label + " did not answer \"" + prefix.trim() + "\" within " + timeout.toSeconds()
                        + " s" + (process.isAlive() ? "" : " (it exited " + process.exitValue() + ")") + "; see its log " + log);
            }
            if (line.startsWith(prefix)) {
                return line;
            }
            if (line.startsWith("unknown command")) {
                throw new IllegalStateException(label + ": " + line);
            }
        }
    }

    @Override
    public String toString() {
        return "instance " + label;
    }

    /** Asks it to stop, waits up to 30 s, then kills it. */
    @Override
    public void close() throws InterruptedException {
        try {
            commands.write("quit\n");
            commands.flush();
        } catch (IOException gone) {
            // it exited already
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
