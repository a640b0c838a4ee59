package dev.autotls.internal.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;

/**
 * The file writes of the folder store: folders 0700; a file is written to a temporary file
 * beside its target with its permissions set before the first byte, forced to disk, renamed
 * over the target and the folder forced, so a crash leaves the old file or the new one.
 * Temporary files start with {@code .tmp-}.
 */
final class AtomicFiles {
    static final String TEMP_PREFIX = ".tmp-";
    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> SECRET_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> PUBLIC_FILE = PosixFilePermissions.fromString("rw-r--r--");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path root;

    AtomicFiles(Path root) {
        this.root = root;
    }

    /** Writes {@code data} to {@code target} atomically. */
    void write(Path target, byte[] data, boolean secret) throws IOException {
        Path temp = prepare(target, data, secret);
        try {
            rename(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Writes {@code data} to a forced temporary file beside {@code target} and returns it; {@link #rename} completes the write. */
    Path prepare(Path target, byte[] data, boolean secret) throws IOException {
        Path folder = target.getParent();
        createFolders(folder);
        Path temp = folder.resolve(TEMP_PREFIX + target.getFileName() + "-" + UUID.randomUUID());
        boolean done = false;
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            // permissions before the first byte, so a secret is never readable by others
            setPermissions(temp, secret ? SECRET_FILE : PUBLIC_FILE);
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(temp);
            }
        }
        return temp;
    }

    /** Renames a prepared temporary file over its target and forces the folder. */
    void rename(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system under " + target.getParent() + " cannot rename atomically; "
                    + "choose autotls.storage on a local file system", e);
        }
        forceFolder(target.getParent());
    }

    void createFolders(Path folder) throws IOException {
        if (Files.isDirectory(folder)) {
            return;
        }
        Path parent = folder.getParent();
        if (parent != null && !Files.isDirectory(parent) && folder.startsWith(root)) {
            createFolders(parent);
        }
        try {
            if (POSIX) {
                Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(FOLDER));
                setPermissions(folder, FOLDER); // the umask may have narrowed or widened the request
            } else {
                Files.createDirectories(folder);
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // another thread made it first
        }
    }

    private static void setPermissions(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }

    static void forceFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a folder; the rename itself is still atomic
        }
    }
}
