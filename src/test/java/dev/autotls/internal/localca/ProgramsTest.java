package dev.autotls.internal.localca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How trust runs the system's programs: bounded in time, never waiting for input, whatever they print. */
class ProgramsTest {
    @TempDir
    Path home;

    @Test
    void aProgramThatDoesNotEndIsStoppedAtTheTimeout() {
        Instant start = Instant.now();
        // sleep holds stdout open for as long as it lives: reading the output to its end first would block 60 s
        assertThatThrownBy(() -> Programs.run(List.of("/bin/sleep", "60"), home, Duration.ofSeconds(1)))
                .isInstanceOf(IOException.class)
                .hasMessage("sleep did not finish within 1 s and was stopped; run it by hand to see what it waits for: "
                        + "/bin/sleep 60");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aProgramReadingStdinSeesItsEndAndALongOutputIsKept() throws Exception {
        Programs.Result read = Programs.run(List.of("/bin/cat"), home, Duration.ofSeconds(30));
        assertThat(read.ok()).isTrue();
        assertThat(read.output()).isEmpty();
        Programs.Result printed = Programs.run(List.of("/bin/sh", "-c", "seq 1 200000; echo last >&2"), home,
                Duration.ofSeconds(30));
        assertThat(printed.output()).startsWith("1\n2\n").endsWith("200000\nlast\n");
        assertThat(printed.lastLine()).isEqualTo("last");
    }
}
