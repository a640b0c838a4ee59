package dev.autotls.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One short command of {@code target/autotls.jar} ({@code trust}, {@code export-root}, a refused {@code serve}) run to its end. */
public final class AutotlsJar {
    private AutotlsJar() {
    }

    /** What the command printed on stdout and stderr, and its exit code. */
    public record Result(int exitCode, String out, String err) {
    }

    /**
     * Runs {@code java -jar target/autotls.jar ARGS} with {@code HOME} set to {@code home} and the XDG
     * folders unset, so every file it writes for this user lands under {@code home}; at most two minutes.
     */
    public static Result run(Path home, List<String> args) throws IOException, InterruptedException {
        return run(List.of(), home, args);
    }

    /** The same, the command after {@code prefix} (e.g. {@link AsUser#prefix}, to run it as another user). */
    public static Result run(List<String> prefix, Path home, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-jar", System.getProperty("autotls.jar", "target/autotls.jar")));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        isolate(builder.environment(), home);
        long run = System.nanoTime();
        Path err = home.resolveSibling(home.getFileName() + "-stderr-" + run + ".log");
        Path out = home.resolveSibling(home.getFileName() + "-stdout-" + run + ".log");
        // output to files, not pipes: reading a pipe to its end would block before the bounded wait
        Process process = builder.redirectError(err.toFile()).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 2 minutes; its output: " + out);
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err));
    }

    /** {@code HOME} and {@code TMPDIR} under the test's folder, no XDG overrides: what a program writes for "this user" stays there. */
    static void isolate(Map<String, String> environment, Path home) throws IOException {
        Path temporary = home.toAbsolutePath().resolveSibling("tmp");
        if (!Files.isDirectory(temporary)) {
            AsUser.hand(Files.createDirectories(temporary)); // the user a prefix runs as writes there too
        }
        environment.put("TMPDIR", temporary.toString()); // Chromium's and certutil's scratch files too
        environment.put("HOME", home.toAbsolutePath().toString());
        environment.keySet().removeIf(name -> name.startsWith("XDG_") || name.startsWith("AUTOTLS_"));
    }
}
