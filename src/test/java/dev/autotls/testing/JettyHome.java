package dev.autotls.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * jetty-home as a user runs it: a jetty-base with {@code target/autotls-jetty-module.zip}
 * unzipped into it and {@code --add-modules=autotls}, then {@code java -jar start.jar} as its
 * own process, with its output in a log file. jetty-home is the one the build unpacked.
 */
public final class JettyHome extends LoggedProcess {
    private JettyHome(Process process, Path log) {
        super(process, log, "jetty-home");
    }

    /** The unpacked jetty-home; fails, saying what to run, when the build has not unpacked it. */
    public static Path home() {
        Path home = Path.of(System.getProperty("autotls.jetty.home", "target/jetty-home/missing"));
        if (!Files.isRegularFile(home.resolve("start.jar"))) {
            throw new AssertionError("jetty-home is not unpacked at " + home + ": run `mvn -B verify` (its "
                    + "pre-integration-test phase unpacks org.eclipse.jetty:jetty-home there from Maven Central)");
        }
        return home;
    }

    /** Makes {@code base} a jetty-base with the autotls module enabled; returns start.jar's output. */
    public static String prepareBase(Path base) throws IOException, InterruptedException {
        Path zip = Path.of(System.getProperty("autotls.jetty.module", "target/autotls-jetty-module.zip"));
        if (!Files.isRegularFile(zip)) {
            throw new AssertionError(zip + " is missing: run `mvn -B package` first");
        }
        Files.createDirectories(base);
        try (InputStream in = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(in)) {
            for (ZipEntry entry; (entry = entries.getNextEntry()) != null; ) {
                Path target = base.resolve(entry.getName()).normalize();
                if (!target.startsWith(base)) {
                    throw new IOException("zip entry outside the base: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(entries, target);
                }
            }
        }
        return Processes.run(command(base, List.of("--add-modules=autotls")), base);
    }

    /** {@code java -jar start.jar key=value...} in {@code base}, logging to {@code base/jetty.log}. */
    public static JettyHome start(Path base, Map<String, String> properties) throws IOException {
        List<String> arguments = new ArrayList<>();
        properties.forEach((key, value) -> arguments.add(key + "=" + value));
        Path log = base.resolve("jetty.log");
        Process process = new ProcessBuilder(command(base, arguments)).directory(base.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        return new JettyHome(process, log);
    }

    private static List<String> command(Path base, List<String> arguments) {
        Path home = home();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", home.resolve("start.jar").toString(), "jetty.home=" + home, "jetty.base=" + base));
        command.addAll(arguments);
        return command;
    }

    /** The exit code, once it has exited. */
    public int exitValue() {
        return process.exitValue();
    }
}
