package dev.autotls.internal.acmedns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.StandaloneResponder;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3 (e): an acme-dns SQLite database, written here with the schema and rows acme-dns
 * writes (the password hash made by libxcrypt's bcrypt, an independent implementation), is
 * served after swapping acme-dns for the responder: its accounts resolve and update.
 */
class SqliteTakeoverIT {
    private static final String USER = "c36f50e8-4632-44f0-83fe-e070fef28a10";
    private static final String PASSWORD = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-Ab";
    /** python3 crypt.crypt(PASSWORD, "$2a$10$abcdefghijklmnopqrstuu"), i.e. libxcrypt. */
    private static final String HASH = "$2a$10$abcdefghijklmnopqrstuuZq6I1a5HpHxmmksebG.0AqM/o93wEZ2";
    private static final String SUBDOMAIN = "0e2f7a2b-5a1f-4f57-9a3b-8c2b6a1d4e5f";
    private static final String OLD_VALUE = "o".repeat(43);

    @Test
    void servesAndUpdatesAccountsOfAnExistingAcmeDnsDatabase(@TempDir Path dir) throws Exception {
        StandaloneResponder responder = new StandaloneResponder(dir, "auth.test");
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("acme-dns.db"));
             Statement sql = db.createStatement()) {
            sql.execute("CREATE TABLE IF NOT EXISTS acmedns(Name TEXT, Value TEXT)");
            sql.execute("INSERT INTO acmedns (Name, Value) values('db_version', '1')");
            sql.execute("CREATE TABLE IF NOT EXISTS records(Username TEXT UNIQUE NOT NULL PRIMARY KEY, "
                    + "Password TEXT UNIQUE NOT NULL, Subdomain TEXT UNIQUE NOT NULL, AllowFrom TEXT)");
            sql.execute("CREATE TABLE IF NOT EXISTS txt(Subdomain TEXT NOT NULL, Value TEXT NOT NULL DEFAULT '', LastUpdate INT)");
            sql.execute("INSERT INTO records(Username, Password, Subdomain, AllowFrom) VALUES('" + USER + "', '" + HASH
                    + "', '" + SUBDOMAIN + "', '[\"127.0.0.0/8\"]')");
            sql.execute("INSERT INTO txt(Subdomain, Value, LastUpdate) VALUES('" + SUBDOMAIN + "', '" + OLD_VALUE + "', 1700000000)");
            sql.execute("INSERT INTO txt(Subdomain, Value, LastUpdate) VALUES('" + SUBDOMAIN + "', '', 0)");
        }
        try (StandaloneResponder running = responder.start()) {
            assertThat(running.txt(SUBDOMAIN + ".auth.test.")).containsExactly(OLD_VALUE);

            String fresh = "n".repeat(43);
            HttpResponse<String> update = running.update(USER, PASSWORD, SUBDOMAIN, fresh);
            assertThat(update.statusCode()).as(update.body()).isEqualTo(200);
            assertThat(running.txt(SUBDOMAIN + ".auth.test.")).containsExactlyInAnyOrder(OLD_VALUE, fresh);
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("acme-dns.db"));
             Statement sql = db.createStatement();
             var rows = sql.executeQuery("SELECT COUNT(*) FROM txt WHERE Subdomain = '" + SUBDOMAIN + "'")) {
            rows.next();
            assertThat(rows.getInt(1)).as("still acme-dns's two rows per account").isEqualTo(2);
        }
    }
}
