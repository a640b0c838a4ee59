package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.UserClosure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 21: what a plain embedded user inherits. An application that adds autotls gets Jetty's
 * server, HTTP/2 and ALPN, acme4j and its own dependencies, Bouncy Castle, dnsjava, Caffeine,
 * Jackson and SLF4J's API, and nothing that serves only an optional feature. The README's
 * figures (how many jars, about how many MiB, under which limit) are the ones measured here.
 */
class ClosureIT {
    /** Each optional feature's own jars: the PostgreSQL store, the responder, metrics, JMX, the CLI, Spring Boot. */
    private static final List<String> OPTIONAL = List.of("org.postgresql:postgresql", "com.zaxxer:HikariCP",
            "org.xerial:sqlite-jdbc", "com.fasterxml.jackson.dataformat:jackson-dataformat-toml",
            "io.micrometer:micrometer-core", "org.eclipse.jetty:jetty-jmx", "info.picocli:picocli",
            "org.slf4j:slf4j-simple", "org.springframework.boot:spring-boot-autoconfigure",
            "org.springframework.boot:spring-boot-jetty", "org.springframework:spring-core",
            "jakarta.servlet:jakarta.servlet-api");
    private static final long LIMIT = 20L * 1024 * 1024; // 19 until issue 25 brought the Public Suffix List (0.8 MiB)

    @Test
    void aPlainUserInheritsAtMost20MibAndNoOptionalJar() throws Exception {
        List<UserClosure.Artifact> closure = UserClosure.of();
        long total = 0;
        for (UserClosure.Artifact artifact : closure) {
            total += artifact.size();
            System.out.printf("%8.2f MiB  %s:%s:%s%n", artifact.size() / 1048576.0, artifact.groupId(),
                    artifact.artifactId(), artifact.version());
        }
        System.out.printf("plain user's closure: %d jars, %.1f MiB%n", closure.size(), total / 1048576.0);
        assertThat(closure).extracting(a -> a.groupId() + ":" + a.artifactId())
                .as("jars of optional features in the plain user's closure")
                .doesNotContainAnyElementsOf(OPTIONAL)
                .contains("dev.autotls:autotls", "org.eclipse.jetty:jetty-server", "org.eclipse.jetty.http2:jetty-http2-server",
                        "org.shredzone.acme4j:acme4j-client", "dnsjava:dnsjava", "org.bouncycastle:bcpkix-jdk18on",
                        "com.github.ben-manes.caffeine:caffeine", "com.fasterxml.jackson.core:jackson-databind",
                        "org.slf4j:slf4j-api");
        assertThat(total).as("bytes a plain user inherits (at most 20 MiB)").isLessThanOrEqualTo(LIMIT);

        String readme = Files.readString(Path.of("README.md")).replaceAll("\\s+", " ");
        Matcher said = Pattern.compile("(\\d+) jars, about (\\d+) MiB with autotls's own \\(`ClosureIT` prints the figure "
                + "and checks it stays under (\\d+) MiB\\)").matcher(readme);
        assertThat(said.find()).as("README.md's sentence on the closure: N jars, about M MiB ... under L MiB").isTrue();
        assertThat(Integer.parseInt(said.group(1))).as("README.md: how many jars a plain user inherits").isEqualTo(closure.size());
        assertThat(Long.parseLong(said.group(2))).as("README.md: about how many MiB (measured %.1f)", total / 1048576.0)
                .isEqualTo(Math.round(total / 1048576.0));
        assertThat(Long.parseLong(said.group(3)) * 1024 * 1024).as("README.md: the limit this test checks").isEqualTo(LIMIT);
    }
}
