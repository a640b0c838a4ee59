package dev.autotls.internal.engine;

import dev.autotls.ConfigurationException;
import dev.autotls.internal.config.DomainNames;
import dev.autotls.spi.StorageException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What {@code AutoTls.manage} and {@code unmanage} do with what the application passes before the
 * {@link ManagedSet} sees it: names checked and made canonical, one sentence for a bad one, and a
 * store failure turned into the stage's outcome.
 */
public final class RunTimeNames {
    private RunTimeNames() {
    }

    /**
     * The names canonical and de-duplicated, in the order given.
     *
     * @throws ConfigurationException naming the value and what is allowed, for the first name that is not valid or when none is given
     */
    public static List<String> canonical(Collection<String> names) {
        Objects.requireNonNull(names, "names");
        Set<String> canonical = new LinkedHashSet<>();
        for (String name : names) {
            if (name == null || name.isBlank()) {
                throw new ConfigurationException("an empty name cannot be managed; give names like example.com or *.example.com");
            }
            try {
                canonical.add(DomainNames.canonical(name));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(e.getMessage() + "; give names like example.com or *.example.com");
            }
        }
        if (canonical.isEmpty()) {
            throw new ConfigurationException("no names given; give names like example.com or *.example.com");
        }
        return new ArrayList<>(canonical);
    }

    /** {@link ManagedSet#unmanage} for names as given, with a store failure as the stage's outcome. */
    public static CompletionStage<Void> unmanage(ManagedSet set, Collection<String> names) {
        List<String> canonical = canonical(names);
        try {
            set.unmanage(canonical);
            return CompletableFuture.completedStage(null);
        } catch (StorageException e) {
            return CompletableFuture.failedStage(e);
        }
    }
}
