package dev.autotls.internal.store.postgres;

import dev.autotls.internal.store.LeaseTimes;
import dev.autotls.internal.store.UnusableStoreException;
import dev.autotls.spi.CertificateStore;

/**
 * The one door to the PostgreSQL store whose signature names no JDBC or pool type, so that
 * code choosing between stores links against it without loading the driver.
 */
public final class PostgresStores {
    private PostgresStores() {
    }

    /** See {@link PostgresCertificateStore#open(PostgresLocation, PostgresLocation, String, boolean, LeaseTimes)}. */
    public static CertificateStore open(PostgresLocation location, PostgresLocation listenAt, String storageKey,
                                        boolean createSchema, LeaseTimes times) throws UnusableStoreException {
        return PostgresCertificateStore.open(location, listenAt, storageKey, createSchema, times);
    }
}
