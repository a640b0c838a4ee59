package dev.autotls.internal.localca;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    private static final long TIMEOUT_SECONDS = 120;

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
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.put("HOME", home.toString());
        Process process = builder.start();
        process.getOutputStream().close(); // never waits for a password typed on stdin
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(command.get(0) + " did not finish within " + TIMEOUT_SECONDS + " s");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
