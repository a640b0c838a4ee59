package dev.autotls.internal.store;

import dev.autotls.ConfigurationException;
import dev.autotls.Setting;
import dev.autotls.internal.config.OptionalFeature;
import dev.autotls.internal.config.StorageSetting;
import dev.autotls.internal.store.postgres.PostgresStores;
import dev.autotls.spi.CertificateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens the store {@code autotls.storage} names. The PostgreSQL store is reached only through
 * {@link PostgresStores}, so an instance on a folder never loads the JDBC driver or the pool.
 */
public final class Stores {
    private Stores() {
    }

    /**
     * @param named the setting as the person wrote it ({@code --storage}, {@code AUTOTLS_STORAGE}), for the sentences
     * @throws ConfigurationException for a store that can never work as configured
     */
    public static CertificateStore open(StorageSetting setting, String named) {
        if (setting.database().isPresent()) {
            OptionalFeature.POSTGRESQL_STORE.missing(named + " = " + setting.database().get()).ifPresent(sentence -> {
                throw new ConfigurationException(sentence);
            });
            try {
                return PostgresStores.open(setting.database().get(), setting.listenAt().orElse(null), setting.key().orElse(null),
                        setting.createSchema(), LeaseTimes.STANDARD);
            } catch (UnusableStoreException e) {
                throw new ConfigurationException(e.getMessage(), e);
            }
        }
        Path folder = setting.folder().orElseThrow();
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new ConfigurationException(named + " = '" + folder + "' is a file, not a folder; "
                    + "name a folder (it is created if missing)");
        }
        try {
            return new FileCertificateStore(folder);
        } catch (IOException e) {
            throw new ConfigurationException(named + " = '" + folder + "' cannot be used ("
                    + StorageFailures.reason(e) + "); " + StorageFailures.fix(folder, e), e);
        }
    }
}
