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
 * locks, the change log) are never keys and never listed.
 *
 * <p>{@link #save} and {@link #delete} take the same path as a {@link #saveAll} without a lease:
 * under the guard, a journal, the rename or removal, then the keys appended to the change log
 * ({@link FileChangeLog}) before the journal goes, so a crash anywhere leaves the keys to be
 * logged by whoever completes the journal: {@link #changesSince} never misses a change made
 * through this class. A process of an older version writing into the same folder logs nothing;
 * the engine's occasional full comparison of versions finds what it wrote. No notifications.
 */
public final class FileCertificateStore implements CertificateStore {
    private static final String JOURNAL = ".journal";
    /** The journal's "temporary file" for a removal: there is nothing to rename, only a key to log. */
    private static final String REMOVED = ".removed";

    private final Path root;
    private final AtomicFiles files;
    private final FolderGuard guard;
    private final Heartbeats heartbeats = new Heartbeats("autotls-store-leases");
    private final FileLocker locker;
    private final FileChangeLog log;

    /** A store rooted at {@code root}; the folder is created (0700) if it does not exist. */
    public FileCertificateStore(Path root) throws IOException {
        this(root, LeaseTimes.STANDARD);
    }

    /** A store whose leases last as {@code times} say (tests of expiry shorten them). */
    public FileCertificateStore(Path root, LeaseTimes times) throws IOException {
        this(root, times, null);
    }

    /** A store whose change log is {@code log} (tests of trimming make it small); null for the standard one. */
    FileCertificateStore(Path root, LeaseTimes times, java.util.function.Function<AtomicFiles, FileChangeLog> log)
            throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.files = new AtomicFiles(this.root);
        this.log = log == null ? new FileChangeLog(this.root, files) : log.apply(files);
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
        write(List.of(new Item(key, data, sensitivity)), null);
    }

    @Override
    public void saveAll(List<Item> items, Lease lease) throws IOException {
        write(items, lease);
    }

    /** Prepares every file, then under the guard (and only while {@code lease}, if any, is held) journals, renames, logs. */
    private void write(List<Item> items, Lease lease) throws IOException {
        Map<Path, Path> renames = new LinkedHashMap<>(); // temporary file -> target
        try {
            for (Item item : items) {
                Path target = resolve(item.key());
                renames.put(files.prepare(target, item.data(), item.sensitivity() == Sensitivity.SECRET), target);
            }
            guard.locked(() -> {
                completeJournal();
                if (lease != null) {
                    locker.verifyHeld(lease);
                }
                journaled(renames, () -> {
                    for (Map.Entry<Path, Path> rename : renames.entrySet()) {
                        files.rename(rename.getKey(), rename.getValue());
                    }
                });
                return null;
            });
        } finally {
            for (Path temp : renames.keySet()) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Work on files done under the guard. */
    @FunctionalInterface
    private interface FileWork {
        void run() throws IOException;
    }

    /** Writes the journal of {@code renames}, does {@code work}, logs the targets' keys, removes the journal; under the guard. */
    private void journaled(Map<Path, Path> renames, FileWork work) throws IOException {
        StringBuilder journal = new StringBuilder();
        renames.forEach((temp, target) -> journal.append(root.relativize(temp)).append('\t')
                .append(root.relativize(target)).append('\n'));
        files.write(root.resolve(JOURNAL), journal.toString().getBytes(StandardCharsets.UTF_8), false);
        work.run();
        log.append(keysOf(renames.values())); // before the journal goes: a crash before this is logged by its completion
        Files.delete(root.resolve(JOURNAL));
        AtomicFiles.forceFolder(root);
    }

    private List<String> keysOf(Collection<Path> targets) {
        List<String> keys = new ArrayList<>();
        for (Path target : targets) {
            keys.add(root.relativize(target).toString().replace(java.io.File.separatorChar, '/'));
        }
        return keys;
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
        List<Path> targets = new ArrayList<>();
        for (String line : lines) {
            String[] parts = line.split("\t");
            if (parts.length == 2) {
                Path temp = root.resolve(parts[0]).normalize();
                Path target = root.resolve(parts[1]).normalize();
                if (temp.startsWith(root) && target.startsWith(root)) {
                    targets.add(target);
                    if (parts[0].equals(REMOVED)) {
                        Files.deleteIfExists(target);
                    } else if (Files.exists(temp)) {
                        files.rename(temp, target);
                    }
                }
            }
        }
        log.append(keysOf(targets)); // perhaps logged before the crash too: a key may come twice
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
        Path target = resolve(key);
        guard.locked(() -> {
            completeJournal();
            journaled(Map.of(root.resolve(REMOVED), target), () -> Files.deleteIfExists(target));
            return null;
        });
    }

    /** See {@link FileChangeLog}: read under the guard, after completing any interrupted write. */
    @Override
    public Optional<Changes> changesSince(long position) throws IOException {
        return guard.locked(() -> {
            completeJournal();
            return Optional.of(log.since(position));
        });
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
