package dev.autotls.internal.store.postgres;

import dev.autotls.internal.store.StorageKeys;
import dev.autotls.spi.CertificateStore.NextLook;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Next looks as rows of {@code autotls_next_looks} ({@link PostgresFeedSchema}), so the due ones
 * come from the index on (parent, next look) in one query, however many certificates there are.
 * Times keep microseconds (PostgreSQL's precision); an instant beyond what a {@code timestamptz}
 * holds (such as {@link Instant#MAX}, "no certificate stored") is kept as {@code infinity}.
 * Next looks are not items: writing one notifies nobody and is no change of the feed.
 */
final class PostgresNextLooks {
    /** The latest instant kept as itself: year 9999 (PostgreSQL's input reads four-digit years). */
    private static final Instant LAST = Instant.parse("9999-12-31T23:59:59.999999Z");
    private static final Instant FIRST = Instant.parse("0001-01-01T00:00:00Z");

    private PostgresNextLooks() {
    }

    static void save(Connection connection, NextLook look) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(
                "INSERT INTO autotls_next_looks(folder_key, parent, next_look, expires) "
                        + "VALUES (?, ?, ?::timestamptz, ?::timestamptz) ON CONFLICT (folder_key) DO UPDATE SET "
                        + "parent = EXCLUDED.parent, next_look = EXCLUDED.next_look, expires = EXCLUDED.expires")) {
            upsert.setString(1, look.folderKey());
            upsert.setString(2, parent(look.folderKey()));
            upsert.setString(3, text(look.at()));
            upsert.setString(4, text(look.expires()));
            upsert.executeUpdate();
        }
    }

    static void delete(Connection connection, String folderKey) throws SQLException {
        StorageKeys.requireValid(folderKey);
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM autotls_next_looks WHERE folder_key = ?")) {
            delete.setString(1, folderKey);
            delete.executeUpdate();
        }
    }

    static List<NextLook> due(Connection connection, String parentKey, Instant before, int limit) throws SQLException {
        List<NextLook> due = new ArrayList<>();
        if (limit <= 0) {
            return due;
        }
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT folder_key, CASE WHEN isfinite(next_look) THEN next_look END, next_look = '-infinity', "
                        + "CASE WHEN isfinite(expires) THEN expires END, expires = '-infinity' "
                        + "FROM autotls_next_looks WHERE parent = ? AND next_look < ?::timestamptz "
                        + "ORDER BY next_look, folder_key LIMIT ?")) {
            select.setString(1, parentKey);
            select.setString(2, text(before));
            select.setInt(3, limit);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    due.add(new NextLook(row.getString(1), instant(row.getObject(2, OffsetDateTime.class), row.getBoolean(3)),
                            instant(row.getObject(4, OffsetDateTime.class), row.getBoolean(5))));
                }
            }
        }
        return due;
    }

    /** The folder a certificate folder key sits in: {@code ca/x/certificates/a.test} is below {@code ca/x/certificates}. */
    static String parent(String folderKey) {
        StorageKeys.requireValid(folderKey);
        int slash = folderKey.lastIndexOf('/');
        return slash < 0 ? "" : folderKey.substring(0, slash);
    }

    private static String text(Instant instant) {
        if (instant.isAfter(LAST)) {
            return "infinity";
        }
        return instant.isBefore(FIRST) ? "-infinity" : instant.toString();
    }

    private static Instant instant(OffsetDateTime finite, boolean minusInfinity) {
        if (finite != null) {
            return finite.toInstant();
        }
        return minusInfinity ? Instant.MIN : Instant.MAX;
    }
}
