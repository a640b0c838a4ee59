package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.testing.Await;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.PebbleSites;
import dev.autotls.testing.Ports;
import dev.autotls.testing.Postgres;
import dev.autotls.testing.ServeProcess;
import dev.autotls.testing.Site;
import dev.autotls.testing.TlsClient;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 (b) and (f): instances as separate processes ({@code autotls.jar serve}): a lock
 * holder killed with SIGKILL in the middle of an order, and two processes on one folder.
 */
class ClusterProcessesIT {

    private static Map<String, String> settings(Pebble pebble, String storage, int httpPort, String name) {
        return Map.of("domains", name, "ca", pebble.directory().toString(), "ca.trust", pebble.listenerTrust().toString(),
                "storage", storage, "challenge", "http-01", "http.port", Integer.toString(httpPort), "agree-tos", "true",
                "storage.sync-interval", "1s");
    }

    private static BigInteger pebbleSerial(TlsClient client, int httpsPort, String name) {
        try {
            return client.leaf(httpsPort, name).getSerialNumber();
        } catch (Exception notYet) {
            return null;
        }
    }

    @Test
    void anotherInstanceCompletesTheCertificateAfterTheKilledHolderLeaseExpires(@TempDir Path work) throws Exception {
        int validatedPort = Ports.free();
        try (Postgres postgres = Postgres.start(); Pebble pebble = Pebble.start("sid", validatedPort);
             ServerSocket blackHole = new ServerSocket(validatedPort, 50, InetAddress.getLoopbackAddress())) {
            blackHole.setSoTimeout(60_000);
            // Pebble's validation request lands here and gets no answer: the holder waits mid-order
            CompletableFuture<Socket> validating = CompletableFuture.supplyAsync(() -> {
                try {
                    return blackHole.accept();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            ServeProcess holder = ServeProcess.start(settings(pebble, postgres.url(), Ports.free(), "k.test"), Ports.free(),
                    work.resolve("holder.log"));
            Socket pending;
            try {
                pending = validating.get(60, TimeUnit.SECONDS);
                assertThat(postgres.heldCertificateLeases()).as("the holder holds the certificate's lease").isEqualTo(1);
                holder.requireAlive();
            } finally {
                holder.kill();
            }
            long killed = System.nanoTime();
            pending.close();
            blackHole.close();
            assertThat(postgres.heldCertificateLeases()).as("a killed holder releases nothing: the lease runs out by itself").isEqualTo(1);

            TlsClient client = TlsClient.trusting(pebble.roots());
            try (Site survivor = Site.start(PebbleSites.http01(pebble, work, "k.test").storage(postgres.url())
                    .httpPort(validatedPort).set(Setting.STORAGE_SYNC, "1s"))) {
                Await.until("the surviving instance to obtain k.test", Duration.ofSeconds(90),
                        () -> pebbleSerial(client, survivor.httpsPort(), "k.test") != null);
                System.out.printf("cluster: holder killed mid-order; another instance served k.test %.1f s later "
                        + "(lease 30 s)%n", (System.nanoTime() - killed) / 1e9);
            }
            assertThat(pebble.accountRequests()).as("still one account").isEqualTo(1);
        }
    }

    @Test
    void twoProcessesOnOneFolderPlaceOneOrderWithOneAccount(@TempDir Path work) throws Exception {
        int validatedPort = Ports.free();
        String folder = work.resolve("shared-storage").toString();
        int firstHttp = Ports.free();
        // both start at once and race for the lease; Pebble's request waits at the forwarder until the
        // process behind it listens, so whichever wins can be validated (JVM start-up times differ)
        try (Pebble pebble = Pebble.start("sid", validatedPort);
             dev.autotls.testing.PatientForwarder front = dev.autotls.testing.PatientForwarder.on(validatedPort, firstHttp);
             ServeProcess first = ServeProcess.start(settings(pebble, folder, firstHttp, "f.test"), Ports.free(),
                     work.resolve("first.log"));
             ServeProcess second = ServeProcess.start(settings(pebble, folder, Ports.free(), "f.test"), Ports.free(),
                     work.resolve("second.log"))) {
            TlsClient client = TlsClient.trusting(pebble.roots());
            Await.until("both processes to serve one Pebble certificate", Duration.ofSeconds(60), () -> {
                first.requireAlive();
                second.requireAlive();
                BigInteger a = pebbleSerial(client, first.httpsPort, "f.test");
                return a != null && a.equals(pebbleSerial(client, second.httpsPort, "f.test"));
            });
            assertThat(pebble.orders()).as("orders").isEqualTo(1);
            assertThat(pebble.accountRequests()).as("accounts").isEqualTo(1);
            assertThat(List.of(first.log(), second.log())).filteredOn(log -> log.contains("Now serving the CA's certificate"))
                    .as("exactly one process ordered").hasSize(1);
        }
    }
}
