package dev.autotls.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.acmedns.ApiHandlerFuzzer;
import dev.autotls.internal.acmedns.ConfigFileFuzzer;
import dev.autotls.internal.acmedns.DnsAnswererFuzzer;
import dev.autotls.internal.challenge.AcmeDnsRegistrationFuzzer;
import dev.autotls.internal.challenge.PersistRecordFuzzer;
import dev.autotls.internal.store.CertificateFilesFuzzer;
import dev.autotls.internal.store.PemFuzzer;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The fuzz targets in the normal test run: every seed and every input that once made a target
 * fail (src/test/resources/fuzz/TARGET/) runs through its target, without the fuzzer, so a
 * fixed finding stays fixed and a target that no longer compiles or holds fails here, not
 * only when someone fuzzes.
 */
class FuzzInputsTest {
    interface Target {
        void run(byte[] input) throws Exception;
    }

    private static final Map<String, Target> TARGETS = Map.of(
            "DnsAnswererFuzzer", DnsAnswererFuzzer::fuzzerTestOneInput,
            "ApiHandlerFuzzer", ApiHandlerFuzzer::fuzzerTestOneInput,
            "ConfigFileFuzzer", ConfigFileFuzzer::fuzzerTestOneInput,
            "PersistRecordFuzzer", PersistRecordFuzzer::fuzzerTestOneInput,
            "AcmeDnsRegistrationFuzzer", AcmeDnsRegistrationFuzzer::fuzzerTestOneInput,
            "PemFuzzer", PemFuzzer::fuzzerTestOneInput,
            "CertificateFilesFuzzer", CertificateFilesFuzzer::fuzzerTestOneInput);

    @TestFactory
    Stream<DynamicTest> everySavedInputPassesItsTarget() throws IOException {
        Path root = inputs();
        try (Stream<Path> folders = Files.list(root)) {
            assertThat(folders.map(f -> f.getFileName().toString()).toList())
                    .as("a folder of inputs for each target, and no folder without one")
                    .containsExactlyInAnyOrderElementsOf(TARGETS.keySet());
        }
        return TARGETS.entrySet().stream().sorted(Map.Entry.comparingByKey()).flatMap(target -> {
            List<Path> files = list(root.resolve(target.getKey()));
            assertThat(files).as("inputs of " + target.getKey()).isNotEmpty();
            return files.stream().map(file -> DynamicTest.dynamicTest(target.getKey() + "/" + file.getFileName(),
                    () -> target.getValue().run(Files.readAllBytes(file))));
        });
    }

    private static Path inputs() {
        try {
            return Path.of(FuzzInputsTest.class.getResource("/fuzz").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> list(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
