package dev.autotls.internal.acmedns;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite file holds the accounts' password hashes: only its owner may read it. */
class SqliteAccountStoreTest {
    @TempDir
    Path folder;

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    @Test
    void aNewDatabaseAndItsJournalFilesAreOwnerOnly() throws Exception {
        Path file = folder.resolve("acme-dns.db");
        try (SqliteAccountStore store = SqliteAccountStore.open(file)) {
            store.register(new Account(UUID.randomUUID(), "$2a$10$hash", UUID.randomUUID().toString(), List.of()), 2);
            assertThat(mode(file)).isEqualTo("rw-------");
            for (String journal : new String[] {"-wal", "-shm"}) {
                Path companion = folder.resolve("acme-dns.db" + journal);
                assertThat(companion).as("WAL mode keeps it while the store is open").exists();
                assertThat(mode(companion)).as(journal).isEqualTo("rw-------");
            }
        }
    }

    @Test
    void anExistingDatabaseKeepsItsMode() throws Exception {
        Path file = folder.resolve("acme-dns.db");
        SqliteAccountStore.open(file).close();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----")); // e.g. shared with acme-dns's group
        SqliteAccountStore.open(file).close();
        assertThat(mode(file)).isEqualTo("rw-r-----");
    }
}
