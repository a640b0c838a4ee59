package dev.autotls.internal.store;

import dev.autotls.spi.CertificateStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks a source store's layout ({@link StorageKeys}) for a {@link StoreMigration}: the keys it
 * copies together, in groups, and a "left out" line for anything else. Kept apart from the
 * migration so that the migration reads as the check of each group against the target.
 */
final class MigrationLayout {

    enum Kind { ACCOUNT, CERTIFICATE, REGISTRATION, MANAGED_SET }

    /** Keys copied together; {@code where} is the CA folder, the certificate's folder or the registration's key. */
    record Group(Kind kind, String where, List<String> keys) {
    }

    /** The groups in the order found, and the lines for what is not part of the layout. */
    record Found(List<Group> groups, List<MigrationReport.Line> unknown) {
    }

    private MigrationLayout() {
    }

    /**
     * The groups in the source's layout ({@link StorageKeys}); anything else becomes a "left out"
     * line. Names that are no valid key (a volume's {@code lost+found}) are never listed or read.
     */
    static Found find(CertificateStore source) throws IOException {
        List<Group> groups = new ArrayList<>();
        List<MigrationReport.Line> unknown = new ArrayList<>();
        for (String top : source.list("")) {
            if (!StorageKeys.isValid(top)) {
                unknown.add(unknownLine(top));
                continue;
            }
            if (top.equals(StorageKeys.ACME_DNS_FOLDER)) {
                for (String server : source.list(top)) {
                    if (!StorageKeys.isValid(StorageKeys.acmeDnsServerFolder(server))) {
                        unknown.add(unknownLine(top + "/" + server));
                        continue;
                    }
                    for (String file : source.list(StorageKeys.acmeDnsServerFolder(server))) {
                        String key = StorageKeys.acmeDnsRegistrationFile(server, file);
                        if (file.endsWith(StorageKeys.REGISTRATION_SUFFIX) && StorageKeys.isValid(key)) {
                            groups.add(new Group(Kind.REGISTRATION, key, List.of(key)));
                        } else {
                            unknown.add(unknownLine(key));
                        }
                    }
                }
                continue;
            }
            if (top.equals(StorageKeys.MANAGED_FOLDER)) {
                for (String file : source.list(top)) {
                    String key = top + "/" + file;
                    if (key.equals(StorageKeys.MANAGED_NAMES)) {
                        groups.add(new Group(Kind.MANAGED_SET, key, List.of(key)));
                    } else {
                        unknown.add(unknownLine(key));
                    }
                }
                continue;
            }
            List<String> inside = source.list(top);
            if (inside.isEmpty()) {
                unknown.add(unknownLine(top)); // a file beside the CA folders, or an empty folder
            }
            for (String part : inside) {
                switch (part) {
                    case StorageKeys.ACCOUNT_FOLDER -> groups.add(new Group(Kind.ACCOUNT, top, List.of(
                            StorageKeys.account(top, StorageKeys.ACCOUNT_KEY), StorageKeys.account(top, StorageKeys.ACCOUNT_INFO))));
                    case StorageKeys.CERTIFICATES_FOLDER -> {
                        for (String name : source.list(StorageKeys.certificatesFolder(top))) {
                            if (!StorageKeys.isValid(StorageKeys.certificate(top, name, StorageKeys.METADATA))) {
                                unknown.add(unknownLine(StorageKeys.certificatesFolder(top) + "/" + name));
                                continue;
                            }
                            groups.add(new Group(Kind.CERTIFICATE, StorageKeys.certificatesFolder(top) + "/" + name, List.of(
                                    StorageKeys.certificate(top, name, StorageKeys.PRIVATE_KEY),
                                    StorageKeys.certificate(top, name, StorageKeys.FULL_CHAIN),
                                    StorageKeys.certificate(top, name, StorageKeys.METADATA))));
                        }
                    }
                    default -> unknown.add(unknownLine(top + "/" + part));
                }
            }
        }
        return new Found(List.copyOf(groups), List.copyOf(unknown));
    }

    private static MigrationReport.Line unknownLine(String key) {
        return new MigrationReport.Line(MigrationReport.Outcome.LEFT_OUT, key, "not part of the layout migrate-storage copies");
    }
}
