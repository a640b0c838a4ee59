package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autotls.cli.Main;
import dev.autotls.internal.engine.CertificateManager;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.testing.ManualScheduler;
import dev.autotls.testing.MutableClock;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.PebbleSites;
import dev.autotls.testing.Ports;
import dev.autotls.testing.Postgres;
import dev.autotls.testing.Site;
import dev.autotls.testing.TlsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 (h): a site that ran on a folder moves to PostgreSQL with {@code migrate-storage};
 * an instance on the database then serves the certificate at once, places no order and makes
 * no account request, so every dns-persist-01 record naming the account keeps working.
 */
class MigrateThenServeIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anInstanceOnTheMigratedDatabaseServesTheCertificateWithTheSameAccountAndNoOrder(@TempDir Path work) throws Exception {
        Path folder = work.resolve("storage");
        try (Postgres postgres = Postgres.start(); Pebble pebble = Pebble.start("sid", Ports.free())) {
            MutableClock clock = MutableClock.startingNow();
            ManualScheduler onFolder = new ManualScheduler(clock);
            X509Certificate issued;
            try (Site site = Site.start(PebbleSites.http01(pebble, folder, "move.test").clock(clock).scheduler(onFolder))) {
                onFolder.runDue();
                issued = site.autoTls.servedCertificate("move.test").orElseThrow();
            }
            String caFolder = StorageKeys.caFolder(pebble.directory());
            String accountUrl = JSON.readTree(Files.readAllBytes(folder.resolve(caFolder).resolve("account/account.json")))
                    .path("url").asText();
            long orders = pebble.orders();
            long accounts = pebble.accountRequests();
            assertThat(orders).isEqualTo(1);
            assertThat(accounts).isEqualTo(1);

            assertThat(Main.run("migrate-storage", "--from", folder.toString(), "--to", postgres.url())).isZero();

            ManualScheduler onDatabase = new ManualScheduler(clock);
            try (Site site = Site.start(PebbleSites.http01(pebble, work.resolve("unused"), "move.test")
                    .storage(postgres.url()).clock(clock).scheduler(onDatabase))) {
                X509Certificate served = TlsClient.trusting(pebble.roots()).leaf(site.httpsPort(), "move.test");
                assertThat(served.getSerialNumber()).as("served from the database at start").isEqualTo(issued.getSerialNumber());
                clock.advance(CertificateManager.START_SPREAD);
                onDatabase.runDue(); // its first maintenance look: a healthy certificate, nothing to order
                byte[] stored = site.autoTls.store().load(StorageKeys.account(caFolder, StorageKeys.ACCOUNT_INFO)).orElseThrow();
                assertThat(JSON.readTree(stored).path("url").asText()).isEqualTo(accountUrl);
                assertThat(site.autoTls.servedCertificate("move.test").orElseThrow().getSerialNumber())
                        .isEqualTo(issued.getSerialNumber());
            }
            assertThat(pebble.orders()).as("orders after the move").isEqualTo(orders);
            assertThat(pebble.accountRequests()).as("account requests after the move").isEqualTo(accounts);
        }
    }
}
