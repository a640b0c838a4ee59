package dev.autotls.internal.ops;

import dev.autotls.internal.config.StorageSetting;
import dev.autotls.internal.ops.Doctor.Finding;
import dev.autotls.spi.CertificateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The store as the instance will use it: a secret written, read back and deleted through the
 * store itself (for PostgreSQL this proves it reachable with its tables in place); for a folder
 * also the permissions, since the folder may have been copied or restored by hand: folders
 * 0700, secret files (private keys, credentials) 0600, nothing writable by others.
 */
final class StorageCheck {
    /** The files that hold secrets (see where they are saved as {@code SECRET}). */
    private static final Set<String> SECRET_NAMES = Set.of("account-key.pem", "privkey.pem");

    private final StorageSetting setting;
    private final CertificateStore store;

    StorageCheck(StorageSetting setting, CertificateStore store) {
        this.setting = setting;
        this.store = store;
    }

    List<Finding> check() {
        List<Finding> findings = new ArrayList<>();
        String probe = "doctor-probe-" + ProcessHandle.current().pid();
        byte[] data = {'o', 'k'};
        try {
            store.save(probe, data, CertificateStore.Sensitivity.SECRET);
            boolean same = store.load(probe).map(read -> Arrays.equals(read, data)).orElse(false);
            store.delete(probe);
            if (!same) {
                return List.of(Finding.fail("storage " + store.describe() + ": a value written was not read back the "
                        + "same; check that nothing else rewrites it."));
            }
            findings.add(Finding.ok("storage " + store.describe() + " is readable and writable"
                    + (setting.database().isPresent() ? " (reachable, the autotls tables are in place)" : "") + "."));
        } catch (IOException | RuntimeException e) {
            return List.of(Finding.fail("storage " + store.describe() + " could not be written and read back (" + e.getMessage()
                    + "); " + (setting.database().isPresent()
                    ? "check that the database is up and the user may use the autotls_* tables."
                    : "give the folder to the user running autotls (chown), or choose another.")));
        }
        setting.folder().ifPresent(folder -> findings.addAll(permissions(folder)));
        return findings;
    }

    /** Every folder and file of the store whose permissions are looser than the store writes them. */
    static List<Finding> permissions(Path root) {
        List<Finding> findings = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (!path.equals(root) && path.getFileName().toString().startsWith(".")) {
                    continue; // locks and temporary files: never data
                }
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path);
                String shown = PosixFilePermissions.toString(mode);
                if (Files.isDirectory(path)) {
                    if (!PosixFilePermissions.fromString("rwx------").equals(mode)) {
                        findings.add(Finding.warn("storage folder " + path + " is " + shown + ", not rwx------ (0700); "
                                + "chmod 700 '" + path + "'."));
                    }
                } else if (secret(path) && !PosixFilePermissions.fromString("rw-------").equals(mode)) {
                    findings.add(Finding.fail("storage file " + path + " holds a secret and is " + shown + ", not rw------- "
                            + "(0600); chmod 600 '" + path + "', and replace the key if others may have read it."));
                } else if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
                    findings.add(Finding.fail("storage file " + path + " is " + shown + ": others may change it; chmod go-w '"
                            + path + "'."));
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            findings.add(Finding.warn("storage folder " + root + ": permissions could not be read (" + e.getMessage() + ")."));
        }
        if (findings.isEmpty()) {
            findings.add(Finding.ok("storage folder " + root + ": folders 0700, secret files 0600."));
        }
        return findings;
    }

    /** Private keys by name, and acme-dns registrations (they hold the credential). */
    private static boolean secret(Path file) {
        String name = file.getFileName().toString();
        return SECRET_NAMES.contains(name) || (name.endsWith(".json") && file.toString().contains("/acme-dns/"));
    }
}
