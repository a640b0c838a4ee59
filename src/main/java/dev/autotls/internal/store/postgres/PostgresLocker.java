package dev.autotls.internal.store.postgres;

import dev.autotls.internal.store.Heartbeats;
import dev.autotls.internal.store.HeldLease;
import dev.autotls.internal.store.LeaseTimes;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.internal.store.Waiting;
import dev.autotls.spi.Lease;
import dev.autotls.spi.Locker;
import dev.autotls.spi.LostLeaseException;
import java.io.IOException;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Leases as rows of {@code autotls_locks}: owner, a token from the {@code autotls_tokens}
 * sequence, and an expiry computed by the database's own clock, so instances whose clocks
 * disagree still agree on who holds a lease. A row whose expiry has passed is taken over in
 * the same statement that checks it. No advisory locks: they belong to a connection and
 * vanish silently with it (and behind a transaction pooler).
 */
final class PostgresLocker implements Locker {
    private final PostgresCertificateStore store;
    private final LeaseTimes times;
    private final Heartbeats heartbeats;
    private final String owner;

    PostgresLocker(PostgresCertificateStore store, LeaseTimes times, Heartbeats heartbeats) {
        this.store = store;
        this.times = times;
        this.heartbeats = heartbeats;
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown-host";
        }
        this.owner = host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID();
    }

    @Override
    public Optional<Lease> tryAcquire(String name) throws IOException {
        StorageKeys.requireValid(name);
        Optional<Long> token = store.withConnection(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO autotls_locks(name, owner, token, expires_at) "
                            + "VALUES (?, ?, nextval('autotls_tokens'), clock_timestamp() + make_interval(secs => ?)) "
                            + "ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, token = EXCLUDED.token, "
                            + "expires_at = EXCLUDED.expires_at WHERE autotls_locks.expires_at <= clock_timestamp() "
                            + "RETURNING token")) {
                insert.setString(1, name);
                insert.setString(2, owner);
                insert.setDouble(3, times.lease().toMillis() / 1000.0);
                try (ResultSet row = insert.executeQuery()) {
                    return row.next() ? Optional.of(row.getLong(1)) : Optional.empty();
                }
            }
        });
        return token.map(t -> new HeldLease(name, t, owner, steps(), times).beat(heartbeats));
    }

    @Override
    public Lease acquire(String name, Duration maxWait) throws IOException, InterruptedException {
        return Waiting.acquire(this, name, maxWait);
    }

    /** Locks the lease's row for the rest of {@code connection}'s transaction, or refuses if the lease is not held. */
    void verifyHeld(Connection connection, Lease lease) throws SQLException, LostLeaseException {
        if (!(lease instanceof HeldLease) || !((HeldLease) lease).owner().equals(owner) || !lease.isHeld()) {
            throw new LostLeaseException("the " + lease + " is not held by this instance; nothing was written");
        }
        try (PreparedStatement check = connection.prepareStatement("SELECT 1 FROM autotls_locks WHERE name = ? AND owner = ? "
                + "AND token = ? AND expires_at > clock_timestamp() FOR UPDATE")) {
            check.setString(1, lease.name());
            check.setString(2, owner);
            check.setLong(3, lease.token());
            try (ResultSet row = check.executeQuery()) {
                if (!row.next()) {
                    throw new LostLeaseException("the " + lease + " expired or passed to another instance; nothing was written");
                }
            }
        }
    }

    private HeldLease.Steps steps() {
        return new HeldLease.Steps() {
            @Override
            public boolean extend(HeldLease lease) throws IOException {
                return store.withConnection(connection -> {
                    try (PreparedStatement update = connection.prepareStatement(
                            "UPDATE autotls_locks SET expires_at = clock_timestamp() + make_interval(secs => ?) "
                                    + "WHERE name = ? AND owner = ? AND token = ? AND expires_at > clock_timestamp()")) {
                        update.setDouble(1, times.lease().toMillis() / 1000.0);
                        update.setString(2, lease.name());
                        update.setString(3, owner);
                        update.setLong(4, lease.token());
                        return update.executeUpdate() == 1;
                    }
                });
            }

            @Override
            public void release(HeldLease lease) throws IOException {
                store.withConnection(connection -> {
                    try (PreparedStatement delete = connection.prepareStatement(
                            "DELETE FROM autotls_locks WHERE name = ? AND owner = ? AND token = ?")) {
                        delete.setString(1, lease.name());
                        delete.setString(2, owner);
                        delete.setLong(3, lease.token());
                        return delete.executeUpdate();
                    }
                });
            }
        };
    }
}
