package dev.autotls.internal.store;

import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.Lease;
import dev.autotls.spi.Locker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@link CertificateStore} in a folder of the local file system (or a shared volume).
 *
 * <p>Every folder it creates is 0700 and every secret file 0600 (public files 0644 inside
 * those folders); each file is written atomically ({@link AtomicFiles}). A {@link #saveAll}
 * prepares every file first, then, under the folder's guard and only while the lease is
 * held, writes a journal of the renames, performs them and deletes the journal; a crash in
 * between is completed from the journal by the next guarded step of any process, and
 * {@link #loadAll} reads under the same guard, so nobody sees half of a save. Leases are
 * lock files ({@link FileLocker}). Names starting with a dot (temporary files, the journal,
 * locks) are never keys and never listed.
 */
public final class FileCertificateStore implements CertificateStore {
    private static final String JOURNAL = ".journal";

    private final Path root;
    private final AtomicFiles files;
    private final FolderGuard guard;
    private final Heartbeats heartbeats = new Heartbeats("autotls-store-leases");
    private final FileLocker locker;

    /** A store rooted at {@code root}; the folder is created (0700) if it does not exist. */
    public FileCertificateStore(Path root) throws IOException {
        this(root, LeaseTimes.STANDARD);
    }

    /** A store whose leases last as {@code times} say (tests of expiry shorten them). */
    public FileCertificateStore(Path root, LeaseTimes times) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.files = new AtomicFiles(this.root);
        files.createFolders(this.root);
        this.guard = new FolderGuard(this.root);
        this.locker = new FileLocker(this.root, guard, files, times, heartbeats);
        guard.locked(() -> {
            completeJournal();
            return null;
        });
    }

    public Path root() {
        return root;
    }

    @Override
    public String describe() {
        return root.toString();
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
    public Map<String, byte[]> loadAll(Collection<String> keys) throws IOException {
        return guard.locked(() -> {
            completeJournal();
            Map<String, byte[]> found = new LinkedHashMap<>();
            for (String key : keys) {
                load(key).ifPresent(data -> found.put(key, data));
            }
            return found;
        });
    }

    @Override
    public void save(String key, byte[] data, Sensitivity sensitivity) throws IOException {
        files.write(resolve(key), data, sensitivity == Sensitivity.SECRET);
    }

    @Override
    public void saveAll(List<Item> items, Lease lease) throws IOException {
        Map<Path, Path> renames = new LinkedHashMap<>(); // temporary file -> target
        try {
            for (Item item : items) {
                Path target = resolve(item.key());
                renames.put(files.prepare(target, item.data(), item.sensitivity() == Sensitivity.SECRET), target);
            }
            guard.locked(() -> {
                completeJournal();
                locker.verifyHeld(lease);
                StringBuilder journal = new StringBuilder();
                renames.forEach((temp, target) -> journal.append(root.relativize(temp)).append('\t')
                        .append(root.relativize(target)).append('\n'));
                files.write(root.resolve(JOURNAL), journal.toString().getBytes(StandardCharsets.UTF_8), false);
                for (Map.Entry<Path, Path> rename : renames.entrySet()) {
                    files.rename(rename.getKey(), rename.getValue());
                }
                Files.delete(root.resolve(JOURNAL));
                AtomicFiles.forceFolder(root);
                return null;
            });
        } finally {
            for (Path temp : renames.keySet()) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Finishes the renames of a multi-file save that a crash interrupted; call under the guard. */
    private void completeJournal() throws IOException {
        Path journal = root.resolve(JOURNAL);
        List<String> lines;
        try {
            lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return;
        }
        for (String line : lines) {
            String[] parts = line.split("\t");
            if (parts.length == 2) {
                Path temp = root.resolve(parts[0]).normalize();
                Path target = root.resolve(parts[1]).normalize();
                if (temp.startsWith(root) && target.startsWith(root) && Files.exists(temp)) {
                    files.rename(temp, target);
                }
            }
        }
        Files.delete(journal);
        AtomicFiles.forceFolder(root);
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
                if (!name.startsWith(".")) {
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

    /**
     * The modification time and file identity of each key: every save renames a new file into
     * place, so either changes with it.
     */
    @Override
    public Map<String, Long> versions(Collection<String> keys) throws IOException {
        Map<String, Long> versions = new LinkedHashMap<>();
        for (String key : keys) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(resolve(key), BasicFileAttributes.class);
                Object identity = attributes.fileKey();
                versions.put(key, attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS) * 31
                        + (identity == null ? 0 : identity.hashCode()));
            } catch (NoSuchFileException e) {
                // absent keys are left out
            }
        }
        return versions;
    }

    @Override
    public Locker locker() {
        return locker;
    }

    @Override
    public void close() {
        heartbeats.close();
    }

    private Path resolve(String key) {
        StorageKeys.requireValid(key);
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("storage key '" + key + "' leaves the storage folder");
        }
        return path;
    }
}
