package dev.autotls.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A {@link CertificateStore} in a folder of the local file system.
 *
 * <p>Every folder it creates is 0700 and every secret file 0600 (public files 0644 inside
 * those folders). A save writes a temporary file beside the target, forces it to disk,
 * renames it over the target and forces the folder, so a crash leaves either the old file
 * or the new one. Temporary files start with {@code .tmp-} and are ignored by {@link #list}.
 */
public final class FileCertificateStore implements CertificateStore {
    private static final String TEMP_PREFIX = ".tmp-";
    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> SECRET_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> PUBLIC_FILE = PosixFilePermissions.fromString("rw-r--r--");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path root;

    /** A store rooted at {@code root}; the folder is created (0700) if it does not exist. */
    public FileCertificateStore(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        createFolders(this.root);
    }

    public Path root() {
        return root;
    }

    @Override
    public Optional<byte[]> load(String key) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(resolve(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void save(String key, byte[] data, Sensitivity sensitivity) throws IOException {
        Path target = resolve(key);
        Path folder = target.getParent();
        createFolders(folder);
        Path temp = folder.resolve(TEMP_PREFIX + target.getFileName() + "-" + UUID.randomUUID());
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                // permissions before the first byte, so a secret is never readable by others
                setPermissions(temp, sensitivity == Sensitivity.SECRET ? SECRET_FILE : PUBLIC_FILE);
                ByteBuffer buffer = ByteBuffer.wrap(data);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system under " + folder + " cannot rename atomically; "
                        + "choose autotls.storage on a local file system", e);
            }
            forceFolder(folder);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public List<String> list(String folderKey) throws IOException {
        Path folder = folderKey.isEmpty() ? root : resolve(folderKey);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.startsWith(TEMP_PREFIX)) {
                    names.add(name);
                }
            }
        }
        Collections.sort(names);
        return names;
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(resolve(key));
    }

    private Path resolve(String key) {
        StorageKeys.requireValid(key);
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("storage key '" + key + "' leaves the storage folder");
        }
        return path;
    }

    private void createFolders(Path folder) throws IOException {
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

    private static void forceFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a folder; the rename itself is still atomic
        }
    }
}
