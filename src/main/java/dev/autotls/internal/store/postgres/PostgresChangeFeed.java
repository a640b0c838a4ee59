package dev.autotls.internal.store.postgres;

import dev.autotls.spi.CertificateStore.Changes;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * Reads and trims {@code autotls_changes} ({@link PostgresFeedSchema}).
 *
 * <p>A position is a transaction id: the {@code xmin} of the reader's snapshot, below which
 * every transaction has ended. A read from position {@code p} hands out the keys of every change
 * whose transaction id is at least {@code p} that its snapshot sees, and {@code xmin} as the next
 * position. Sequence numbers (the items' versions) are taken before commit, so ordering by them
 * would skip a write numbered 100 that commits after 101 was read; transaction ids do not have
 * that hole: a transaction whose id is below the next position has ended, so its changes were
 * visible to the read (or it rolled back), and one at or above it is read again next time. Changes
 * of transactions that committed after an older one still running are handed out at once as well
 * (so a long transaction elsewhere in the database delays nothing), and again once the older one
 * ends: a key may come twice, as the contract allows.
 *
 * <p>Trimmed changes are remembered as {@code trimmed_below}: a read from below it, or from a
 * position this database never gave (a restore into another cluster), answers a gap. Rows a
 * restore brought from another cluster, numbered beyond this one's transactions, are never
 * handed out, and the next trim deletes them; a {@code trimmed_below} it brought from there is
 * ignored alike (else every read would answer a gap until this cluster's ids passed it).
 */
final class PostgresChangeFeed {
    /** Changes are kept this long at least... */
    static final Duration KEEP = Duration.ofDays(1);
    /** ... and at most this many rows (a day of 100,000 certificates renewed at once is 300,000 keys). */
    static final int KEEP_ROWS = 500_000;

    private static final String READ = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint, "
            + "(SELECT max(trimmed_below) FROM autotls_feed WHERE trimmed_below < pg_snapshot_xmax(pg_current_snapshot())::text::bigint), "
            + "ARRAY(SELECT DISTINCT key FROM autotls_changes WHERE xid >= ? "
            + "AND xid < pg_snapshot_xmax(pg_current_snapshot())::text::bigint ORDER BY key)";
    /**
     * Rows no transaction of this database wrote: at or beyond the next transaction id, restored from
     * another cluster's dump (whose ids ran further). Left in place, every read would hand them out
     * again until this cluster's ids passed them: 300,000 keys a look for a restored fleet of 100,000.
     */
    private static final String FOREIGN = "DELETE FROM autotls_changes WHERE xid >= pg_snapshot_xmax(pg_current_snapshot())::text::bigint";
    /** A trim mark restored from another cluster, beyond this one's ids: nothing of this cluster was trimmed yet. */
    private static final String FOREIGN_MARK = "UPDATE autotls_feed SET trimmed_below = 0 "
            + "WHERE trimmed_below >= pg_snapshot_xmax(pg_current_snapshot())::text::bigint";
    private static final String NOW = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint";

    private PostgresChangeFeed() {
    }

    /** One statement, so the position and the keys come from one snapshot. */
    static Changes since(Connection connection, long position) throws SQLException {
        if (position == Changes.FROM_NOW) {
            try (PreparedStatement now = connection.prepareStatement(NOW); ResultSet row = now.executeQuery()) {
                row.next();
                return new Changes(List.of(), row.getLong(1), false);
            }
        }
        try (PreparedStatement read = connection.prepareStatement(READ)) {
            read.setLong(1, position);
            try (ResultSet row = read.executeQuery()) {
                row.next();
                long xmin = row.getLong(1);
                long trimmedBelow = row.getLong(2);
                if (position < trimmedBelow || position > xmin) {
                    return new Changes(List.of(), xmin, true);
                }
                Array keys = row.getArray(3);
                try {
                    return new Changes(List.of((String[]) keys.getArray()), xmin, false);
                } finally {
                    keys.free();
                }
            }
        }
    }

    /**
     * Deletes rows of another cluster ({@link #FOREIGN}), then changes older than {@link #KEEP} and
     * beyond the newest {@link #KEEP_ROWS}, of ended transactions only, raising {@code trimmed_below}
     * in the same statement; how many went.
     */
    static int trim(Connection connection, Duration keep, int keepRows) throws SQLException {
        int foreign;
        try (PreparedStatement delete = connection.prepareStatement(FOREIGN);
             PreparedStatement mark = connection.prepareStatement(FOREIGN_MARK)) {
            foreign = delete.executeUpdate();
            mark.executeUpdate(); // so this cluster's own trims raise it again
        }
        try (PreparedStatement trim = connection.prepareStatement(
                "WITH horizon AS (SELECT least(pg_snapshot_xmin(pg_current_snapshot())::text::bigint, greatest("
                        + "coalesce((SELECT max(xid) + 1 FROM autotls_changes WHERE at < now() - make_interval(secs => ?)), 0), "
                        + "coalesce((SELECT xid + 1 FROM autotls_changes ORDER BY xid DESC OFFSET ? LIMIT 1), 0))) AS below), "
                        + "gone AS (DELETE FROM autotls_changes WHERE xid < (SELECT below FROM horizon) RETURNING 1), "
                        + "raised AS (UPDATE autotls_feed SET trimmed_below = (SELECT below FROM horizon) "
                        + "WHERE trimmed_below < (SELECT below FROM horizon)) "
                        + "SELECT count(*) FROM gone")) {
            trim.setDouble(1, keep.toMillis() / 1000.0);
            trim.setInt(2, keepRows);
            try (ResultSet row = trim.executeQuery()) {
                row.next();
                return foreign + row.getInt(1);
            }
        }
    }
}
