package dev.autotls.internal.store;

import dev.autotls.spi.CertificateStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The lease contract on one folder shared by several stores (lock files, the folder guard, the journal). */
class FileLeaseTest extends LeaseContract {
    @TempDir
    Path folder;

    @Override
    CertificateStore open(LeaseTimes times) throws Exception {
        return new FileCertificateStore(folder, times);
    }
}
