package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.StandaloneResponder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3 (7): {@code java -D... -jar autotls.jar records [NAME...]} prints on stdout only the
 * zone-file lines to create (logs on stderr), registers with acme-dns once, never orders.
 */
class RecordsCommandIT {

    private static Result records(Path dir, List<String> options, String... names) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(options);
        command.addAll(List.of("-jar", System.getProperty("autotls.jar", "target/autotls.jar"), "records"));
        command.addAll(List.of(names));
        Process process = new ProcessBuilder(command).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), Files.readString(dir.resolve("out.txt")), Files.readString(dir.resolve("err.txt")));
    }

    record Result(int exit, String stdout, String stderr) {
    }

    @Test
    void printsOneCnamePerBaseNameAndTheSameOnesAgain(@TempDir Path dir) throws Exception {
        try (StandaloneResponder responder = new StandaloneResponder(dir.resolve("responder"), "auth.test").start()) {
            List<String> options = List.of("-Dautotls.domains=a.test,*.a.test,b.test", "-Dautotls.acmedns.url=" + responder.url(),
                    "-Dautotls.challenge=acme-dns",
                    "-Dautotls.storage=" + dir.resolve("storage"), "-Dautotls.ca=https://127.0.0.1:1/dir");
            Result first = records(dir, options);
            assertThat(first.exit()).as(first.stderr()).isZero();
            List<String> lines = first.stdout().lines().toList();
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).matches("_acme-challenge\\.a\\.test\\. CNAME [0-9a-f-]{36}\\.auth\\.test\\.");
            assertThat(lines.get(1)).matches("_acme-challenge\\.b\\.test\\. CNAME [0-9a-f-]{36}\\.auth\\.test\\.");
            assertThat(first.stderr()).contains("Registered");

            Result again = records(dir, options);
            assertThat(again.stdout()).as("the stored registrations are reused").isEqualTo(first.stdout());
            Result one = records(dir, options, "b.test");
            assertThat(one.stdout().lines().toList()).containsExactly(lines.get(1));
            try (var files = Files.walk(dir.resolve("storage"))) {
                assertThat(files.filter(p -> p.toString().endsWith(".json")).count()).isEqualTo(2);
            }
        }
    }

    @Test
    void http01NeedsNoRecordAndSaysSoOnStderr(@TempDir Path dir) throws Exception {
        Result result = records(dir, List.of("-Dautotls.domains=h.test", "-Dautotls.challenge=http-01",
                "-Dautotls.storage=" + dir.resolve("storage")));
        assertThat(result.exit()).isZero();
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderr()).contains("needs no DNS record");
    }

    @Test
    void wrongConfigurationSaysWhatIsWrongAndExits2(@TempDir Path dir) throws Exception {
        Result result = records(dir, List.of("-Dautotls.domains=*.h.example", "-Dautotls.challenge=http-01",
                "-Dautotls.storage=" + dir.resolve("storage")));
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.stderr()).contains("http-01 cannot validate the wildcard *.h.example");
        assertThat(result.stdout()).isEmpty();
    }

    @Test
    void autoPrintsEveryRecordThatWouldWorkEachAfterAComment(@TempDir Path dir) throws Exception {
        try (dev.autotls.testing.Pebble pebble = dev.autotls.testing.Pebble.start("sid", dev.autotls.testing.Ports.free());
             StandaloneResponder responder = new StandaloneResponder(dir.resolve("responder"), "auth.test").start()) {
            Result result = records(dir, List.of("-Dautotls.domains=both.test,*.both.test", "-Dautotls.acmedns.url=" + responder.url(),
                    "-Dautotls.storage=" + dir.resolve("storage"), "-Dautotls.ca=" + pebble.directory(),
                    "-Dautotls.ca.trust=" + pebble.listenerTrust(), "-Dautotls.agree-tos=true"));
            assertThat(result.exit()).as(result.stderr()).isZero();
            List<String> lines = result.stdout().lines().takeWhile(line -> !line.startsWith("; optional CAA")).toList();
            assertThat(lines).hasSize(4);
            assertThat(result.stdout()).contains("; both.test. CAA 0 issue \"pebble.letsencrypt.org; accounturi=")
                    .contains("; both.test. CAA 0 issuewild \"pebble.letsencrypt.org; accounturi=");
            assertThat(lines.get(0)).startsWith("; for dns-persist-01 ");
            assertThat(lines.get(1)).startsWith("_validation-persist.both.test. TXT ").contains("accounturi=");
            assertThat(lines.get(2)).startsWith("; or, for acme-dns ");
            assertThat(lines.get(3)).matches("_acme-challenge\\.both\\.test\\. CNAME [0-9a-f-]{36}\\.auth\\.test\\.");
        }
    }
}
