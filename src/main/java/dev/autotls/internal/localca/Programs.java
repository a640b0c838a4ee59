package dev.autotls.internal.localca;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds and runs the system's programs that hold trust ({@code certutil}, {@code update-ca-certificates}):
 * always as an argument list, never through a shell, so a path or name with spaces or quotes is one
 * argument and nothing else.
 */
final class Programs {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    /** What a program printed (stdout and stderr together) and its exit code. */
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }

        /** The last non-blank line it printed, for a one-line report. */
        String lastLine() {
            String[] lines = output.strip().split("\n");
            return lines.length == 0 ? "" : lines[lines.length - 1].strip();
        }
    }

    private Programs() {
    }

    /** {@code name} on PATH (and in the sbin folders, where root's tools live), or empty. */
    static Optional<Path> find(String name) {
        List<String> folders = new ArrayList<>(List.of(Optional.ofNullable(System.getenv("PATH")).orElse("").split(File.pathSeparator)));
        folders.addAll(List.of("/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (String folder : folders) {
            if (!folder.isEmpty()) {
                Path candidate = Path.of(folder, name);
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** Runs {@code command} with {@code HOME} set to {@code home} (certutil looks there), waiting up to two minutes. */
    static Result run(List<String> command, Path home) throws IOException, InterruptedException {
        return run(command, home, TIMEOUT);
    }

    /**
     * Runs {@code command}, its output going to a private temporary file rather than a pipe, so the
     * wait below is what bounds it (a pipe read to its end would block first, for as long as the
     * program lives) and a program that prints much never stalls on a full pipe.
     *
     * @throws IOException when it does not end within {@code timeout}; it is stopped then
     */
    static Result run(List<String> command, Path home, Duration timeout) throws IOException, InterruptedException {
        Path output = Files.createTempFile("autotls-" + Path.of(command.get(0)).getFileName() + "-", ".log"); // 0600
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))); // never waits for a typed password
            Map<String, String> environment = builder.environment();
            environment.put("HOME", home.toString());
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS); // so its output file can go
                throw new IOException(Path.of(command.get(0)).getFileName() + " did not finish within " + timeout.toSeconds()
                        + " s and was stopped; run it by hand to see what it waits for: " + String.join(" ", command));
            }
            return new Result(process.exitValue(), new String(Files.readAllBytes(output), StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
