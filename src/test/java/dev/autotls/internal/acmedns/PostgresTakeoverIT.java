package dev.autotls.internal.acmedns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.Postgres;
import dev.autotls.testing.SharedPostgres;
import dev.autotls.testing.StandaloneResponder;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 (e): an acme-dns PostgreSQL database, made here with acme-dns's own postgres DDL
 * and the statements acme-dns runs (registration, then an update), is served after swapping
 * acme-dns for the standalone responder: its account resolves and updates, and the tables
 * stay acme-dns's, so acme-dns may write beside the responder and is answered at once.
 */
class PostgresTakeoverIT {
    @RegisterExtension
    static final SharedPostgres POSTGRES = new SharedPostgres();

    private static final String USER = "c36f50e8-4632-44f0-83fe-e070fef28a10";
    private static final String PASSWORD = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-Ab";
    /** python3 crypt.crypt(PASSWORD, "$2a$10$abcdefghijklmnopqrstuu"), i.e. libxcrypt, not this library's bcrypt. */
    private static final String HASH = "$2a$10$abcdefghijklmnopqrstuuZq6I1a5HpHxmmksebG.0AqM/o93wEZ2";
    private static final String SUBDOMAIN = "0e2f7a2b-5a1f-4f57-9a3b-8c2b6a1d4e5f";
    private static final String NAME = SUBDOMAIN + ".auth.test.";
    private static final String OLD_VALUE = "o".repeat(43);
    /** acme-dns's update statement, as it runs it on PostgreSQL. */
    private static final String ACME_DNS_UPDATE = "UPDATE txt SET Value=$1, LastUpdate=$2 WHERE rowid=("
            + "SELECT rowid FROM txt WHERE Subdomain=$3 ORDER BY LastUpdate LIMIT 1)";

    @Test
    void servesAndUpdatesAccountsOfAnExistingAcmeDnsDatabase(@TempDir Path dir) throws Exception {
        try (Connection db = POSTGRES.postgres().connect(); Statement sql = db.createStatement()) {
            sql.execute("CREATE TABLE IF NOT EXISTS acmedns(\n\t\tName TEXT,\n\t\tValue TEXT\n\t);");
            sql.execute("CREATE TABLE IF NOT EXISTS records(\n        Username TEXT UNIQUE NOT NULL PRIMARY KEY,\n"
                    + "        Password TEXT UNIQUE NOT NULL,\n        Subdomain TEXT UNIQUE NOT NULL,\n\t\tAllowFrom TEXT\n    );");
            sql.execute("CREATE TABLE IF NOT EXISTS txt(\n\t\trowid SERIAL,\n\t\tSubdomain TEXT NOT NULL,\n"
                    + "\t\tValue   TEXT NOT NULL DEFAULT '',\n\t\tLastUpdate INT\n\t);");
            sql.execute("INSERT INTO acmedns (Name, Value) values('db_version', '1')");
            try (PreparedStatement register = db.prepareStatement(
                    "INSERT INTO records(Username, Password, Subdomain, AllowFrom) values($1, $2, $3, $4)"
                            .replaceAll("\\$\\d", "?"))) {
                register.setString(1, USER);
                register.setString(2, HASH);
                register.setString(3, SUBDOMAIN);
                register.setString(4, "[\"127.0.0.0/8\"]");
                register.executeUpdate();
            }
            sql.execute("INSERT INTO txt (Subdomain, LastUpdate) values('" + SUBDOMAIN + "', 0)");
            sql.execute("INSERT INTO txt (Subdomain, LastUpdate) values('" + SUBDOMAIN + "', 0)");
            acmeDnsUpdate(db, OLD_VALUE, 1_700_000_000L);
        }
        List<Long> rowids = rowids();

        StandaloneResponder responder = new StandaloneResponder(dir, "auth.test", "postgres",
                POSTGRES.postgres().acmeDnsConnection());
        try (StandaloneResponder running = responder.start()) {
            assertThat(running.log()).as("the log never shows the database password").doesNotContain(Postgres.PASSWORD);
            assertThat(running.txt(NAME)).containsExactly(OLD_VALUE);

            String fresh = "n".repeat(43);
            HttpResponse<String> update = running.update(USER, PASSWORD, SUBDOMAIN, fresh);
            assertThat(update.statusCode()).as(update.body()).isEqualTo(200);
            assertThat(running.txt(NAME)).containsExactlyInAnyOrder(OLD_VALUE, fresh);

            String byAcmeDns = "a".repeat(43);
            try (Connection db = POSTGRES.postgres().connect()) {
                acmeDnsUpdate(db, byAcmeDns, System.currentTimeMillis() / 1000 + 3600);
            }
            assertThat(running.txt(NAME)).as("acme-dns writing beside the responder").containsExactlyInAnyOrder(fresh, byAcmeDns);
        }
        assertThat(rowids()).as("still acme-dns's two rows of the account, the same ones").isEqualTo(rowids);
        try (Connection db = POSTGRES.postgres().connect(); Statement sql = db.createStatement();
             ResultSet version = sql.executeQuery("SELECT Value FROM acmedns WHERE Name = 'db_version'")) {
            assertThat(version.next()).isTrue();
            assertThat(version.getString(1)).isEqualTo("1");
            assertThat(version.next()).as("one db_version row").isFalse();
        }
        try (Connection db = POSTGRES.postgres().connect(); Statement sql = db.createStatement();
             ResultSet index = sql.executeQuery("SELECT to_regclass('idx_txt_subdomain') IS NOT NULL")) {
            assertThat(index.next() && index.getBoolean(1)).as("acme-dns v2's index on txt, added on start").isTrue();
        }
    }

    private static void acmeDnsUpdate(Connection db, String value, long unixSeconds) throws Exception {
        try (PreparedStatement update = db.prepareStatement(ACME_DNS_UPDATE.replaceAll("\\$\\d", "?"))) {
            update.setString(1, value);
            update.setLong(2, unixSeconds);
            update.setString(3, SUBDOMAIN);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    private static List<Long> rowids() throws Exception {
        List<Long> rowids = new ArrayList<>();
        try (Connection db = POSTGRES.postgres().connect(); Statement sql = db.createStatement();
             ResultSet row = sql.executeQuery("SELECT rowid FROM txt WHERE Subdomain = '" + SUBDOMAIN + "' ORDER BY rowid")) {
            while (row.next()) {
                rowids.add(row.getLong(1));
            }
        }
        return rowids;
    }
}
