package dev.autotls.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removal of the temporary folders peers and benchmarks make outside JUnit's {@code @TempDir}. */
public final class TempFolders {
    private TempFolders() {
    }

    /** Deletes {@code folder} and everything in it; a folder already gone is fine. */
    public static void delete(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // already gone, or unreadable: nothing more a test can do about a temporary folder
        }
    }
}
