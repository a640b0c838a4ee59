package dev.autotls.internal.store;

import dev.autotls.spi.CertificateStore;
import java.nio.file.Path;

/** A process that writes keys into a storage folder, as another instance would, for {@link FileChangeLogTest}. */
public final class ChangeLogWriter {
    private ChangeLogWriter() {
    }

    /** {@code FOLDER NAME COUNT}: saves COUNT keys named after NAME into FOLDER, one by one. */
    public static void main(String[] args) throws Exception {
        write(new FileCertificateStore(Path.of(args[0])), args[1], Integer.parseInt(args[2]));
    }

    static String key(String name, int i) {
        return "writers/" + name + "/key-" + i;
    }

    static void write(CertificateStore store, String name, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            store.save(key(name, i), new byte[] {(byte) i}, CertificateStore.Sensitivity.PUBLIC);
        }
    }
}
