package dev.autotls.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the real peers unpacked by {@code scripts/peers.sh} (run by {@code mvn verify}).
 * A missing peer fails the test with what to run; it never skips.
 */
public final class Peers {
    private Peers() {
    }

    public static Path root() {
        String configured = System.getProperty("autotls.peers");
        Path root = configured != null ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "autotls", "peers");
        return root;
    }

    /** A peer program, e.g. {@code binary("sid", "pebble")}; fails naming the fix when it is absent. */
    public static Path binary(String release, String name) {
        Path path = root().resolve(release).resolve("usr/bin").resolve(name);
        if (!Files.isExecutable(path)) {
            throw new AssertionError("peer " + name + " (Debian " + release + ") is missing at " + path
                    + ": run `bash scripts/peers.sh` (mvn verify does it) on a machine that reaches Debian's packages");
        }
        return path;
    }
}
