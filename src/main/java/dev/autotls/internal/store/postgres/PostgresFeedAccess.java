package dev.autotls.internal.store.postgres;

import dev.autotls.spi.CertificateStore.Changes;
import dev.autotls.spi.CertificateStore.NextLook;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's change feed, notifications and next looks, over the tables of
 * {@link PostgresFeedSchema} when the schema has them; what the store does without them (an
 * instance that may not add them) is said once. Changes are trimmed by the readers themselves,
 * each at most every ten minutes, so nothing else has to run for the table to stay small.
 */
final class PostgresFeedAccess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresFeedAccess.class);
    private static final long TRIM_EVERY_NANOS = Duration.ofMinutes(10).toNanos();

    private final PostgresCertificateStore store;
    private final PostgresLocation location;
    /** The configured direct connection for LISTEN, with the store's TLS parameters beneath its own; null for none. */
    private final PostgresLocation listenAt;
    /** Null until the schema was looked at (the database may be unreachable at start). */
    private volatile PostgresFeedSchema.State state;
    private final AtomicBoolean saidNoFeed = new AtomicBoolean();
    private final AtomicBoolean saidPolling = new AtomicBoolean();
    private final AtomicBoolean saidDeaf = new AtomicBoolean();
    private final Set<PostgresListener> listeners = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextTrim = new AtomicLong(System.nanoTime() + TRIM_EVERY_NANOS);

    PostgresFeedAccess(PostgresCertificateStore store, PostgresLocation location, PostgresLocation listenAt) {
        this.store = store;
        this.location = location;
        this.listenAt = listenAt == null ? null : listenAt.withParametersBeneath(location.parameters());
    }

    /** Takes what preparing the schema found; says once when there is no feed. */
    void prepared(PostgresFeedSchema.State found) {
        state = found;
        if (!found.present() && saidNoFeed.compareAndSet(false, true)) {
            LOG.warn("The store {} keeps no change feed: {}; each instance compares the versions of all its certificates "
                    + "every autotls.storage.sync-interval instead.", location, found.whyNot());
        }
    }

    private boolean present() {
        PostgresFeedSchema.State known = state;
        return known != null && known.present();
    }

    Optional<Changes> changesSince(long position) throws IOException {
        Changes changes = store.withConnection(connection -> present() ? PostgresChangeFeed.since(connection, position) : null);
        if (changes == null) {
            return Optional.empty();
        }
        trimIfDue();
        return Optional.of(changes);
    }

    private void trimIfDue() {
        long due = nextTrim.get();
        if (System.nanoTime() - due < 0 || !nextTrim.compareAndSet(due, System.nanoTime() + TRIM_EVERY_NANOS)) {
            return;
        }
        try {
            int trimmed = store.withConnection(connection ->
                    PostgresChangeFeed.trim(connection, PostgresChangeFeed.KEEP, PostgresChangeFeed.KEEP_ROWS));
            LOG.debug("trimmed {} changes from the store's feed", trimmed);
        } catch (IOException e) {
            LOG.debug("could not trim the store's change feed: {}", e.getMessage());
        }
    }

    Optional<AutoCloseable> whenChanged(Runnable listener) {
        PostgresFeedSchema.State known = state;
        if (known != null && !known.present()) {
            return Optional.empty(); // nothing would notify: polling it is
        }
        PostgresListener listening = new PostgresListener(listenAt != null ? listenAt : location, listenAt != null,
                this::sendThroughPool, listener, new Said());
        listeners.add(listening);
        listening.start();
        return Optional.of(() -> {
            listeners.remove(listening);
            listening.close();
        });
    }

    private void sendThroughPool(String channel, String payload) throws IOException {
        store.withConnection(connection -> {
            try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
                notify.setString(1, channel);
                notify.setString(2, payload);
                notify.execute();
            }
            return null;
        });
    }

    /** The sentences a listener's self-test leads to, each said once per store. */
    private final class Said implements PostgresListener.Reports {
        @Override
        public void notificationsDoNotArrive(String why) {
            if (saidPolling.compareAndSet(false, true)) {
                LOG.info("Notifications from the store {} do not arrive ({}): a connection pooler in transaction pooling "
                        + "keeps no session for LISTEN. Looking for other instances' changes every "
                        + "autotls.storage.sync-interval instead; set {} to a postgresql:// URL that reaches the database "
                        + "directly to have them within a second.", location, why, PostgresCertificateStore.LISTEN_SETTING);
            }
        }

        @Override
        public void directConnectionDeaf(String why) {
            if (saidDeaf.compareAndSet(false, true)) {
                LOG.warn("{} = {}: {} there; name the same database as autotls.storage, reached directly rather than "
                        + "through a pooler in transaction pooling. Looking every autotls.storage.sync-interval meanwhile "
                        + "and trying again.", PostgresCertificateStore.LISTEN_SETTING, listenAt, why);
            }
        }
    }

    /** Whether next looks have their table; stores {@code look} there if so. */
    boolean nextLooks(NextLook look) throws IOException {
        return store.withConnection(connection -> {
            if (!present()) {
                return false;
            }
            PostgresNextLooks.save(connection, look);
            return true;
        });
    }

    /** Whether next looks have their table; deletes the one of {@code folderKey} there if so. */
    boolean deleteNextLook(String folderKey) throws IOException {
        return store.withConnection(connection -> {
            if (!present()) {
                return false;
            }
            PostgresNextLooks.delete(connection, folderKey);
            return true;
        });
    }

    /** The due next looks from their table, or empty when there is none (the caller reads items then). */
    Optional<List<NextLook>> nextLooks(String parentKey, Instant before, int limit) throws IOException {
        return store.withConnection(connection -> present()
                ? Optional.of(PostgresNextLooks.due(connection, parentKey, before, limit)) : Optional.empty());
    }

    /** Whether some listener receives notifications now (tests). */
    boolean listening() {
        return listeners.stream().anyMatch(PostgresListener::receiving);
    }

    @Override
    public void close() {
        for (PostgresListener listening : listeners) {
            listening.close();
        }
        listeners.clear();
    }
}
