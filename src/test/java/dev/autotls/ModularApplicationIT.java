package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.UserClosure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21: autotls as a named module. An application with its own {@code module-info.java}
 * that requires {@code dev.autotls} compiles and serves HTTPS on the module path, with the
 * plain user's closure as its module path; a second one that imports an internal package does
 * not compile.
 */
class ModularApplicationIT {
    private static final Path SOURCES = Path.of("src/test/modular");

    @Test
    void aModularApplicationServesHttpsOnTheModulePath(@TempDir Path folder) throws Exception {
        String modulePath = modulePath();
        Path classes = folder.resolve("app-classes");
        Compilation compiled = compile(SOURCES.resolve("app"), classes, modulePath);
        assertThat(compiled.succeeded).as(compiled.output).isTrue();

        String output = run(classes, modulePath, folder, folder.resolve("storage").toString());
        assertThat(output).contains("page: hello from a module")
                .contains("certificates: 1, served from TEMPORARY")
                .contains("dev.autotls.internal exported: false");

        // the plain closure has no PostgreSQL driver: choosing that store is refused in one sentence naming what to add
        assertThat(run(classes, modulePath, folder, folder.resolve("storage").toString(), "postgresql"))
                .contains("refused: autotls.storage (set in code) = postgresql://autotls@127.0.0.1:1/autotls: the PostgreSQL store needs "
                        + "org.postgresql:postgresql:")
                .contains("com.zaxxer:HikariCP:")
                .contains("requires org.postgresql.jdbc; requires com.zaxxer.hikari;");
    }

    private static String run(Path classes, String modulePath, Path folder, String... args) throws Exception {
        Path log = Files.createTempFile(folder, "app", ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", classes + java.io.File.pathSeparator + modulePath, "-m", "app/app.Main"));
        command.addAll(List.of(args));
        Process app = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!app.waitFor(2, TimeUnit.MINUTES)) {
            app.destroyForcibly();
            throw new AssertionError("the modular application did not end within 2 minutes: " + Files.readString(log));
        }
        String output = Files.readString(log);
        assertThat(app.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    void importingAnInternalPackageDoesNotCompile(@TempDir Path folder) throws Exception {
        Compilation compiled = compile(SOURCES.resolve("reaching"), folder.resolve("classes"), modulePath());
        assertThat(compiled.succeeded).as("a module importing dev.autotls.internal compiled").isFalse();
        assertThat(compiled.output).contains("package dev.autotls.internal is not visible")
                .contains("does not export it");
    }

    private static String modulePath() throws IOException, InterruptedException {
        return UserClosure.of().stream().map(a -> a.file().toString()).collect(Collectors.joining(java.io.File.pathSeparator));
    }

    private record Compilation(boolean succeeded, String output) {
    }

    private static Compilation compile(Path sources, Path classes, String modulePath) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        // an empty class path: otherwise javac takes this test's own, where autotls sits unencapsulated
        Path noClassPath = Files.createDirectories(classes.resolveSibling(classes.getFileName() + "-empty-class-path"));
        List<String> arguments = new ArrayList<>(List.of("--release", "17", "--module-path", modulePath,
                "--class-path", noClassPath.toString(), "-d", classes.toString()));
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(p -> p.toString().endsWith(".java")).map(Path::toString).forEach(arguments::add);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int status = javac.run(null, output, output, arguments.toArray(String[]::new));
        return new Compilation(status == 0, output.toString(StandardCharsets.UTF_8));
    }
}
