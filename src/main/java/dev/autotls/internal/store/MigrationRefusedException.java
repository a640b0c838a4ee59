package dev.autotls.internal.store;

import java.io.IOException;
import java.util.List;

/**
 * A {@link StoreMigration} found the target holding another ACME account or another acme-dns
 * registration than the source, and wrote nothing. Each reason is one sentence that names
 * the item, both sides and what to do.
 */
public final class MigrationRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final List<String> reasons;

    MigrationRefusedException(List<String> reasons) {
        super(String.join(" ", reasons));
        this.reasons = List.copyOf(reasons);
    }

    public List<String> reasons() {
        return reasons;
    }
}
