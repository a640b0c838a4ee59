package dev.autotls;

import dev.autotls.acme.ChallengeStrategy;
import dev.autotls.maintenance.TaskScheduler;
import dev.autotls.store.StoredCertificate;
import java.util.List;

/**
 * The maintenance state of one certificate (one base name and its wildcard, or one name).
 * Mutated only by the maintenance job of that certificate, which never runs twice at once.
 */
final class ManagedCertificate {
    final List<String> names;
    final ChallengeStrategy strategy;
    /** The CA-issued certificate being served, or null while the fallback is. */
    volatile StoredCertificate current;
    /** Whether {@link #current} covers the configured names; if not, it is replaced at once. */
    volatile boolean currentMatchesConfiguration;
    volatile int failures;
    volatile TaskScheduler.Cancellable scheduled;

    ManagedCertificate(List<String> names, ChallengeStrategy strategy) {
        this.names = List.copyOf(names);
        this.strategy = strategy;
    }

    String firstName() {
        return names.get(0);
    }

    @Override
    public String toString() {
        return String.join(", ", names);
    }
}
