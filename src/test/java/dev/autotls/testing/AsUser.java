package dev.autotls.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs a test's programs as a user without root ({@code nobody}, uid 65534) when the tests run as
 * root, as the "as any user" asks: through {@code setpriv}, with no groups and no
 * capabilities. Folders such a program writes in are handed to that user first.
 */
public final class AsUser {
    private static final int NOBODY = 65534;
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private AsUser() {
    }

    /** Whether this JVM runs as uid 0. */
    public static boolean root() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** The command prefix that drops root, or nothing when this is no root already. */
    public static List<String> prefix() {
        if (!root()) {
            return List.of();
        }
        if (!Files.isExecutable(SETPRIV)) {
            throw new AssertionError(SETPRIV + " is needed to run as a user without root (Debian: util-linux)");
        }
        return List.of(SETPRIV.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--inh-caps=-all");
    }

    /** Gives {@code folder} and everything in it to the user {@link #prefix} runs as (nothing to do when no root). */
    public static Path hand(Path folder) throws IOException {
        if (!root()) {
            return folder;
        }
        Files.createDirectories(folder);
        try (Stream<Path> all = Files.walk(folder)) {
            for (Path path : all.toList()) {
                Files.setAttribute(path, "unix:uid", NOBODY);
                Files.setAttribute(path, "unix:gid", NOBODY);
            }
        }
        return folder;
    }
}
