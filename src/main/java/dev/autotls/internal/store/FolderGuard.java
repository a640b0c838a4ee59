package dev.autotls.internal.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Mutual exclusion over one storage folder, for the short check-and-write steps of leases and
 * multi-file saves: a JVM-wide monitor per folder (the operating system's file locks are per
 * process, and a second lock from the same JVM would fail instead of waiting) plus an
 * exclusive lock on {@code .guard} in the folder, which keeps other processes out, also over a
 * shared volume whose file system supports locks. Held for milliseconds, never across network
 * calls.
 */
final class FolderGuard {
    private static final ConcurrentHashMap<Path, Object> MONITORS = new ConcurrentHashMap<>();

    /** Work done while holding the guard. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws IOException;
    }

    private final Path guardFile;
    private final Object monitor;

    FolderGuard(Path root) {
        this.guardFile = root.resolve(".guard");
        this.monitor = MONITORS.computeIfAbsent(root, r -> new Object());
    }

    <T> T locked(Work<T> work) throws IOException {
        synchronized (monitor) {
            try (FileChannel channel = FileChannel.open(guardFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = channel.lock()) {
                return work.run();
            }
        }
    }
}
