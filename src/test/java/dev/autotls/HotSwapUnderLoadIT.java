package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.Assembly;
import dev.autotls.internal.tls.CertifiedKey;
import dev.autotls.internal.tls.SelfSignedCertificates;
import dev.autotls.testing.ManualScheduler;
import dev.autotls.testing.MutableClock;
import dev.autotls.testing.Site;
import dev.autotls.testing.TlsClient;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 2 (b): certificates swapped many times under concurrent HTTPS requests (each on a
 * new connection, so each is a full handshake that reads the registry); zero may fail, and a
 * connection opened before the swaps keeps working with its session.
 */
class HotSwapUnderLoadIT {
    private static final int CLIENTS = 4;
    private static final int REQUESTS_PER_CLIENT = 250;

    @Test
    void swapsCertificatesUnderConcurrentRequestsWithoutFailures(@TempDir Path storage) throws Exception {
        MutableClock clock = MutableClock.startingNow();
        // no maintenance runs (the scheduler is never advanced): swaps come only from this test
        try (Site site = Site.start(AutoTls.builder().ignoreSystemSettings().agreeToTermsOfService(true).domains("swap.test")
                .ca("https://127.0.0.1:1/dir").storage(storage).httpPort(0).httpsPort(0)
                .clock(clock).scheduler(new ManualScheduler(clock)))) {
            List<CertifiedKey> certificates = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                certificates.add(SelfSignedCertificates.create(List.of("swap.test"), clock));
            }
            TlsClient client = TlsClient.trusting(certificates.stream().map(CertifiedKey::leaf).toList());
            site.autoTls.getBean(Assembly.class).registry().publish(certificates.get(0));

            TlsClient.KeepAlive early = client.keepAlive(site.httpsPort(), "swap.test");
            assertThat(early.get("/").status()).isEqualTo(200);
            BigInteger earlySerial = early.get("/").certificate().getSerialNumber();

            AtomicBoolean loadRunning = new AtomicBoolean(true);
            AtomicInteger swaps = new AtomicInteger();
            Thread swapper = new Thread(() -> {
                int next = 1;
                while (loadRunning.get()) {
                    site.autoTls.getBean(Assembly.class).registry().publish(certificates.get(next++ % certificates.size()));
                    swaps.incrementAndGet();
                    LockSupport.parkNanos(100_000); // thousands of swaps a second, leaving the cores to the handshakes
                }
            });
            AtomicInteger succeeded = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            AtomicReference<Throwable> firstFailure = new AtomicReference<>();
            Set<BigInteger> served = ConcurrentHashMap.newKeySet();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(new Thread(() -> {
                    for (int r = 0; r < REQUESTS_PER_CLIENT; r++) {
                        try {
                            TlsClient.Page page = client.get(site.httpsPort(), "swap.test", "/");
                            if (page.status() == 200 && page.body().equals("Hello swap.test")) {
                                succeeded.incrementAndGet();
                                served.add(page.certificate().getSerialNumber());
                            } else {
                                failed.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                            firstFailure.compareAndSet(null, e);
                        }
                    }
                }));
            }
            swapper.start();
            clients.forEach(Thread::start);
            for (Thread thread : clients) {
                thread.join();
            }
            loadRunning.set(false);
            swapper.join();

            System.out.printf("hot swap under load: %d requests, %d failed, %d swaps, %d distinct certificates served%n",
                    succeeded.get() + failed.get(), failed.get(), swaps.get(), served.size());
            assertThat(failed.get()).as("failed requests (first: %s)", firstFailure.get()).isZero();
            assertThat(succeeded.get()).isEqualTo(CLIENTS * REQUESTS_PER_CLIENT);
            assertThat(swaps.get()).isGreaterThan(1000);
            assertThat(served).as("handshakes saw the swaps").hasSizeGreaterThan(1);

            TlsClient.Page later = early.get("/");
            assertThat(later.status()).as("the connection opened before the swaps still works").isEqualTo(200);
            assertThat(later.certificate().getSerialNumber()).isEqualTo(earlySerial);
            early.close();
        }
    }
}
