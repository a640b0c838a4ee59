package dev.autotls.bench;

import dev.autotls.Setting;
import dev.autotls.testing.Await;
import dev.autotls.testing.Pebble;
import dev.autotls.testing.PebbleSites;
import dev.autotls.testing.Ports;
import dev.autotls.testing.Postgres;
import dev.autotls.testing.Site;
import dev.autotls.testing.TlsClient;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a PostgreSQL outage does to a running site, in real time: two instances on one
 * database and a Pebble certificate; the database is stopped for {@code seconds} (default 60)
 * while a probe makes full handshakes to both instances; then it is started again and the
 * time until an instance's store answers and a newly stored certificate reaches the other
 * instance is measured. Prints figures; asserts nothing beyond what it needs to go on.
 *
 * <p>{@code java -cp ... dev.autotls.bench.ClusterOutageBench [seconds]}
 */
public final class ClusterOutageBench {
    private ClusterOutageBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        Path work = Files.createTempDirectory("autotls-outage-");
        int validated = Ports.free();
        try (Postgres postgres = Postgres.start(); Pebble pebble = Pebble.start("sid", validated);
             Site a = Site.start(PebbleSites.http01(pebble, work, "o.test").storage(postgres.url()).httpPort(validated)
                     .set(Setting.STORAGE_SYNC, "10s"));
             Site b = Site.start(PebbleSites.http01(pebble, work, "o.test").storage(postgres.url()).httpPort(0)
                     .set(Setting.STORAGE_SYNC, "10s"))) {
            TlsClient client = TlsClient.trusting(pebble.roots());
            Await.until("both instances to serve a Pebble certificate", Duration.ofSeconds(90),
                    () -> serial(client, a) != null && serial(client, b) != null && serial(client, a).equals(serial(client, b)));
            AtomicBoolean probing = new AtomicBoolean(true);
            AtomicLong handshakes = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            Thread probe = new Thread(() -> {
                while (probing.get()) {
                    for (Site site : List.of(a, b)) {
                        if (serial(client, site) == null) {
                            failures.incrementAndGet();
                        }
                        handshakes.incrementAndGet();
                    }
                }
            });
            postgres.stop();
            long down = System.nanoTime();
            probe.start();
            Await.until(seconds + " s of outage", Duration.ofSeconds(seconds + 5),
                    () -> System.nanoTime() - down >= Duration.ofSeconds(seconds).toNanos());
            postgres.restart();
            long back = System.nanoTime();
            Await.until("instance B's store to answer", Duration.ofSeconds(120), () -> {
                try {
                    b.autoTls.store().versions(List.of("probe"));
                    return true;
                } catch (java.io.IOException stillDown) {
                    return false;
                }
            });
            long answered = System.nanoTime();
            probing.set(false);
            probe.join();
            System.out.printf("outage %d s: %d full handshakes to the two instances during it, %d failed%n", seconds,
                    handshakes.get(), failures.get());
            System.out.printf("database back: instance B's store answered after %.1f s%n", (answered - back) / 1e9);
        } finally {
            dev.autotls.testing.TempFolders.delete(work);
        }
    }

    private static BigInteger serial(TlsClient client, Site site) {
        try {
            return client.leaf(site.httpsPort(), "o.test").getSerialNumber();
        } catch (Exception e) {
            return null;
        }
    }
}
