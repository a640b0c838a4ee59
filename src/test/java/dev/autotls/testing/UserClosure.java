package dev.autotls.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What an application that adds {@code dev.autotls:autotls} as a dependency inherits at run
 * time, resolved by Maven itself: a consumer project depending on the jar and pom this build
 * just made, resolved offline against a local repository that holds them beside everything the
 * user's own repository has (linked, not copied). Optional dependencies are Maven's business
 * here, so what the test sees is what a user's build gets.
 */
public final class UserClosure {
    private static final Pattern ARTIFACT = Pattern.compile("^\\s+([^:\\s]+):([^:\\s]+):jar:(?:[^:\\s]+:)?([^:\\s]+):(compile|runtime):(\\S+?\\.jar)");
    private static List<Artifact> resolved;

    private UserClosure() {
    }

    /** One jar of the closure. */
    public record Artifact(String groupId, String artifactId, String version, Path file) {
        public long size() throws IOException {
            return Files.size(file);
        }
    }

    /** The runtime closure of {@code dev.autotls:autotls}, the library's own jar included; resolved once per JVM. */
    public static synchronized List<Artifact> of() throws IOException, InterruptedException {
        if (resolved == null) {
            resolved = resolve();
        }
        return resolved;
    }

    private static List<Artifact> resolve() throws IOException, InterruptedException {
        String version = required("autotls.version");
        Path jar = Path.of(required("autotls.library.jar"));
        Path pom = Path.of(required("autotls.pom"));
        Path userRepository = Path.of(required("autotls.local.repository"));
        Path work = Path.of(required("autotls.build.directory"), "user-closure");
        deleteTree(work);
        Path repository = work.resolve("repository");
        linkAllBut(userRepository, repository, List.of("dev", "autotls", "autotls", version));
        Path own = repository.resolve("dev/autotls/autotls/" + version);
        Files.createDirectories(own);
        Files.copy(jar, own.resolve("autotls-" + version + ".jar"));
        Files.copy(pom, own.resolve("autotls-" + version + ".pom"));

        Path consumer = work.resolve("consumer");
        Files.createDirectories(consumer);
        Files.writeString(consumer.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>dev.autotls.test</groupId>
                  <artifactId>plain-user</artifactId>
                  <version>1</version>
                  <dependencies>
                    <dependency>
                      <groupId>dev.autotls</groupId>
                      <artifactId>autotls</artifactId>
                      <version>%s</version>
                    </dependency>
                  </dependencies>
                </project>
                """.formatted(version));
        Path list = work.resolve("closure.txt");
        Path log = work.resolve("mvn.log");
        Process mvn = new ProcessBuilder("mvn", "-o", "-B", "-q", "-f", consumer.resolve("pom.xml").toString(),
                "-Dmaven.repo.local=" + repository, "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:list",
                "-DincludeScope=runtime", "-DoutputAbsoluteArtifactFilename=true", "-DoutputFile=" + list,
                "-Dstyle.color=never")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!mvn.waitFor(3, TimeUnit.MINUTES)) {
            mvn.destroyForcibly();
            throw new AssertionError("mvn dependency:list for the plain user's closure took over 3 minutes; see " + log);
        }
        if (mvn.exitValue() != 0) {
            throw new AssertionError("mvn dependency:list for the plain user's closure failed (exit " + mvn.exitValue()
                    + "; needs Maven on the PATH): " + Files.readString(log));
        }
        List<Artifact> artifacts = new ArrayList<>();
        for (String line : Files.readAllLines(list)) {
            Matcher m = ARTIFACT.matcher(line);
            if (m.find()) {
                artifacts.add(new Artifact(m.group(1), m.group(2), m.group(3), Path.of(m.group(5))));
            }
        }
        artifacts.add(new Artifact("dev.autotls", "autotls", version, own.resolve("autotls-" + version + ".jar")));
        if (artifacts.size() < 5) {
            throw new AssertionError("could not read the closure from " + list + ": " + Files.readString(list));
        }
        return List.copyOf(artifacts);
    }

    /**
     * {@code to} mirrors {@code from} through links, except along {@code path}, whose folders are
     * made for real; the last folder of {@code path} is left empty.
     */
    private static void linkAllBut(Path from, Path to, List<String> path) throws IOException {
        Files.createDirectories(to);
        if (path.size() <= 1 || !Files.isDirectory(from)) {
            return; // the artifact's own folder: none of the user's earlier installs of it, nor their metadata
        }
        try (Stream<Path> children = Files.list(from)) {
            for (Path child : (Iterable<Path>) children::iterator) {
                String name = child.getFileName().toString();
                if (name.equals(path.get(0))) {
                    linkAllBut(child, to.resolve(name), path.subList(1, path.size()));
                } else {
                    Files.createSymbolicLink(to.resolve(name), child);
                }
            }
        }
        if (!Files.exists(to.resolve(path.get(0)))) {
            linkAllBut(from.resolve(path.get(0)), to.resolve(path.get(0)), path.subList(1, path.size()));
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) { // walk does not follow links: only the links themselves go
            for (Path p : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("-D" + property + " is not set: run this test through mvn verify, whose "
                    + "failsafe configuration sets it");
        }
        return value;
    }
}
