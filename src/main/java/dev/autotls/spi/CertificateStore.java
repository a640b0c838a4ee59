package dev.autotls.store;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Where accounts, keys and certificates persist between runs.
 *
 * <p>Contract: keys are relative, slash-separated paths built by {@link StorageKeys}
 * (never by callers by hand). Implementations are safe for concurrent use. A
 * {@link #save} is atomic: a reader sees the old bytes or the new ones, never a part,
 * also after a crash. Secret items are readable by the owner only. A missing key is an
 * empty result, not an exception; {@link IOException} means the store itself failed.
 */
public interface CertificateStore {

    /** The bytes stored under {@code key}, or empty if nothing is. */
    Optional<byte[]> load(String key) throws IOException;

    /** Stores {@code data} under {@code key}, replacing what was there, atomically. */
    void save(String key, byte[] data, Sensitivity sensitivity) throws IOException;

    /** The names directly below {@code folderKey} (files and folders), sorted; empty if there is none. */
    List<String> list(String folderKey) throws IOException;

    /** Removes {@code key}; nothing happens if it does not exist. */
    void delete(String key) throws IOException;

    /** Whether stored bytes must be hidden from everyone but the owner. */
    enum Sensitivity {
        /** Private keys and credentials: owner read/write only. */
        SECRET,
        /** Certificates and metadata: public by nature, still kept in owner-only folders. */
        PUBLIC
    }
}
