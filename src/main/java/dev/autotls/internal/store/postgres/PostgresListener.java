package dev.autotls.internal.store.postgres;

import dev.autotls.internal.store.Reachability;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of its own, outside the pool, that LISTENs to the store's channel on a daemon
 * thread and tells a listener when a notification arrives (at most once per batch read), so
 * another instance's write is looked at within a second instead of at the next poll.
 *
 * <p>After each connect it checks that notifications arrive at all: it sends a random token
 * through the store's pool and waits up to {@link #SELF_TEST_WAIT} for it (three times before it
 * concludes, as a busy database may be slow once). Behind a connection
 * pooler in transaction pooling they do not (LISTEN belongs to a server session the pooler
 * hands to others), and that is found out here, not guessed from the URL: the store then polls,
 * says so once, and this thread ends, unless the connection is the configured direct one
 * ({@code autotls.storage.listen-url}), which is tried again. A broken connection is made again
 * after a capped, jittered back-off. Each time it starts to listen the listener is told once,
 * since what was written before (since the caller's last look, or while the connection was down)
 * notified nobody.
 */
final class PostgresListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresListener.class);
    static final Duration SELF_TEST_WAIT = Duration.ofSeconds(2);
    private static final int SELF_TEST_ATTEMPTS = 3;
    private static final String SELF_TEST = "self-test:";
    /** How long one wait for notifications lasts: also how soon {@link #close} is noticed if aborting the read fails. */
    private static final int WAIT_MILLIS = 500;
    /** A query this often finds a connection that died without a word (a firewall dropped it). */
    private static final long PING_NANOS = Duration.ofSeconds(30).toNanos();
    private static final long FIRST_BACKOFF_MILLIS = 500;
    private static final long MAX_BACKOFF_MILLIS = 30_000;

    /** Sends a notification through the store's pool, committed when it returns. */
    @FunctionalInterface
    interface Sender {
        void notify(String channel, String payload) throws Exception;
    }

    /** What the store tells this listener's thread once, and the outcome it reports. */
    interface Reports {
        /** Notifications do not arrive over the store's own URL: the store polls only. */
        void notificationsDoNotArrive(String why);

        /** The configured direct connection did not get the self-test's notification (said once). */
        void directConnectionDeaf(String why);
    }

    private final PostgresLocation location;
    private final boolean direct;
    private final Sender sender;
    private final Runnable listener;
    private final Reports reports;
    private final Thread thread;
    private final Object wake = new Object();
    private volatile boolean closed;
    private volatile Connection connection;
    private volatile boolean receiving;

    /**
     * @param direct whether {@code location} is {@code autotls.storage.listen-url}: a failed self-test is tried again
     */
    PostgresListener(PostgresLocation location, boolean direct, Sender sender, Runnable listener, Reports reports) {
        this.location = location;
        this.direct = direct;
        this.sender = sender;
        this.listener = listener;
        this.reports = reports;
        this.thread = new Thread(this::run, "autotls-store-listen");
        thread.setDaemon(true);
    }

    PostgresListener start() {
        thread.start();
        return this;
    }

    /** Whether notifications are being received now: connected, and the self-test passed. */
    boolean receiving() {
        return receiving;
    }

    private void run() {
        long backoff = FIRST_BACKOFF_MILLIS;
        while (!closed) {
            try (Connection listening = PostgresConnections.direct(location, properties())) {
                connection = listening;
                int session = listen(listening);
                if (!selfTested(listening)) {
                    unlisten(listening, session);
                    if (closed) {
                        return;
                    }
                    String why = SELF_TEST_ATTEMPTS + " notifications sent through the store did not arrive within "
                            + SELF_TEST_WAIT.toSeconds() + " s each";
                    if (!direct) {
                        reports.notificationsDoNotArrive(why);
                        return;
                    }
                    reports.directConnectionDeaf(why);
                } else {
                    backoff = FIRST_BACKOFF_MILLIS;
                    LOG.debug("listening for changes to the store over {}", location);
                    listener.run(); // what was written before this LISTEN, or while the connection was down, notified nobody
                    receive(listening);
                }
            } catch (SQLException | RuntimeException e) {
                if (!closed) {
                    LOG.debug("the store's listening connection to {} failed: {}", location, Reachability.rootCause(e));
                }
            } finally {
                connection = null;
            }
            backoff = pause(backoff);
        }
    }

    private static Properties properties() {
        Properties extra = new Properties();
        extra.setProperty("ApplicationName", "autotls-listen");
        extra.setProperty("tcpKeepAlive", "true");
        return extra;
    }

    /** LISTENs; the process id of the server session that does, learned in the same round trip (the same session). */
    private static int listen(Connection listening) throws SQLException {
        listening.setAutoCommit(true);
        return backendAfter(listening, "LISTEN " + PostgresFeedSchema.CHANNEL);
    }

    private static int backendAfter(Connection connection, String command) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(command + "; SELECT pg_backend_pid()");
            statement.getMoreResults();
            try (java.sql.ResultSet row = statement.getResultSet()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    /**
     * Behind a pooler in transaction pooling the LISTEN stayed with a server session that now serves
     * others, where every notification makes the pooler complain ("got packet 'A' from server when
     * not linked") until it closes that session. Asks it to stop: the pooler hands a client the
     * server it used last, so an UNLISTEN sent now nearly always lands there, which the process id
     * confirms; a few tries, then leave it to the pooler's server_lifetime.
     */
    private static void unlisten(Connection listening, int listener) {
        try {
            for (int attempt = 0; attempt < 5; attempt++) {
                if (backendAfter(listening, "UNLISTEN *") == listener) {
                    return;
                }
            }
            LOG.debug("could not reach the server session that LISTENed (process {}) to UNLISTEN", listener);
        } catch (SQLException e) {
            LOG.debug("could not UNLISTEN after the self-test: {}", e.toString());
        }
    }

    /** Whether a self-test passes in {@link #SELF_TEST_ATTEMPTS}: a busy database may be slow once, a pooler always drops them. */
    private boolean selfTested(Connection listening) throws SQLException {
        for (int attempt = 0; attempt < SELF_TEST_ATTEMPTS && !closed; attempt++) {
            if (selfTest(listening)) {
                return true;
            }
        }
        return false;
    }

    /** Sends a token through the pool and waits for it here; notifications that come meanwhile are passed on. */
    private boolean selfTest(Connection listening) throws SQLException {
        String token = SELF_TEST + UUID.randomUUID();
        try {
            sender.notify(PostgresFeedSchema.CHANNEL, token);
        } catch (Exception e) {
            throw new SQLException("could not send the self-test's notification through the store: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + SELF_TEST_WAIT.toNanos();
        PGConnection pg = listening.unwrap(PGConnection.class);
        boolean others = false;
        try {
            while (!closed) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                PGNotification[] got = pg.getNotifications((int) Math.max(1, left));
                for (PGNotification notification : got == null ? new PGNotification[0] : got) {
                    if (token.equals(notification.getParameter())) {
                        return true;
                    }
                    others |= !notification.getParameter().startsWith(SELF_TEST);
                }
            }
            return false;
        } finally {
            if (others) {
                listener.run();
            }
        }
    }

    private void receive(Connection listening) throws SQLException {
        PGConnection pg = listening.unwrap(PGConnection.class);
        long pinged = System.nanoTime();
        receiving = true;
        try {
            receiveUntilClosed(listening, pg, pinged);
        } finally {
            receiving = false;
        }
    }

    private void receiveUntilClosed(Connection listening, PGConnection pg, long pinged) throws SQLException {
        while (!closed) {
            PGNotification[] got = pg.getNotifications(WAIT_MILLIS);
            boolean changed = false;
            for (PGNotification notification : got == null ? new PGNotification[0] : got) {
                changed |= !notification.getParameter().startsWith(SELF_TEST); // other instances' self-tests change nothing
            }
            if (changed) {
                try {
                    listener.run();
                } catch (RuntimeException e) {
                    LOG.debug("the store's change listener failed: {}", e.toString());
                }
            }
            if (System.nanoTime() - pinged > PING_NANOS) {
                try (Statement ping = listening.createStatement()) {
                    ping.execute("SELECT 1");
                }
                pinged = System.nanoTime();
            }
        }
    }

    /** Waits {@code backoff} (jittered down to half) unless closed; the next, doubled up to the cap. */
    private long pause(long backoff) {
        long wait = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
        synchronized (wake) {
            long until = System.nanoTime() + wait * 1_000_000;
            while (!closed) {
                long left = (until - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                try {
                    wake.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    closed = true;
                }
            }
        }
        return Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
    }

    /** Stops listening: the connection is cut (a blocked read ends at once) and the thread ends. */
    @Override
    public void close() {
        closed = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        Connection current = connection;
        if (current != null) {
            try {
                current.abort(Runnable::run); // closes the socket without waiting for the reading thread's lock
            } catch (SQLException | RuntimeException e) {
                LOG.debug("could not cut the store's listening connection: {}", e.toString());
            }
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
