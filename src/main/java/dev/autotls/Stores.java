package dev.autotls;

import dev.autotls.spi.CertificateStore;
import dev.autotls.store.FileCertificateStore;
import dev.autotls.store.LeaseTimes;
import dev.autotls.store.PostgresStores;
import dev.autotls.store.UnusableStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens the store {@code autotls.storage} names. The PostgreSQL store is reached only through
 * {@link PostgresStores}, so an instance on a folder never loads the JDBC driver or the pool.
 */
final class Stores {
    private Stores() {
    }

    /** @throws ConfigurationException for a store that can never work as configured */
    static CertificateStore open(StorageSetting setting) {
        if (setting.database().isPresent()) {
            try {
                return PostgresStores.open(setting.database().get(), setting.key().orElse(null), setting.createSchema(),
                        LeaseTimes.STANDARD);
            } catch (UnusableStoreException e) {
                throw new ConfigurationException(e.getMessage(), e);
            }
        }
        Path folder = setting.folder().orElseThrow();
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new ConfigurationException(Setting.STORAGE.key() + " = '" + folder + "' is a file, not a folder; "
                    + "name a folder (it is created if missing)");
        }
        try {
            return new FileCertificateStore(folder);
        } catch (IOException e) {
            throw new ConfigurationException(Setting.STORAGE.key() + " = '" + folder
                    + "': cannot create or use this folder (" + e + "); choose a folder this process may write", e);
        }
    }
}
