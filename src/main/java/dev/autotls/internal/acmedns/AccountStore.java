package dev.autotls.internal.acmedns;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Where registrations and TXT values persist. Contract: a call that returns has made its
 * change durable (it survives kill -9); {@link StoreException} means nothing changed.
 * Safe for concurrent use, and, where {@link #shared()} says so, by several processes at
 * once: then every call sees what any of them committed before it.
 */
public interface AccountStore extends AutoCloseable {

    /** Stores a new account with {@code slots} empty TXT values. */
    void register(Account account, int slots) throws StoreException;

    Optional<Account> find(UUID username) throws StoreException;

    /**
     * Overwrites the TXT value of {@code subdomain} written least recently and returns the
     * values now current, most recent first (empty ones left out).
     */
    List<String> update(String subdomain, String value, long unixSeconds) throws StoreException;

    /** The current non-empty values of {@code subdomain}, most recent first; empty when no account has it. */
    Optional<List<String>> values(String subdomain) throws StoreException;

    /** Every registered subdomain with its current non-empty values, most recent first. */
    Map<String, List<String>> allValues() throws StoreException;

    /**
     * Whether other processes (other responders on the same database) change this store
     * too. If so, what this process holds in memory may be stale, and DNS answers read the
     * store instead.
     */
    default boolean shared() {
        return false;
    }

    @Override
    void close();

    /** The storage itself failed (disk, database). */
    final class StoreException extends Exception {
        private static final long serialVersionUID = 1L;

        public StoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
