package dev.autotls.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.spi.Scheduler;
import dev.autotls.testing.Await;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine on the scheduler thread and order workers AutoTls makes when none is injected. */
class ProductionThreadsTest {

    @Test
    void ordersRunOnTheOrderWorkersOfTheSystemScheduler() throws Exception {
        Engine engine = new Engine().certificate("p1.test").certificate("p2.test").certificate("p3.test");
        Scheduler scheduler = SystemScheduler.start(engine.clock);
        OrderWorkers workers = OrderWorkers.start();
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        engine.withIssuers(1);
        engine.issuer().duringOrder(() -> threads.add(Thread.currentThread().getName()));
        try {
            engine.startOnThreads(scheduler, workers);
            Await.until("three certificates served", Duration.ofSeconds(30),
                    () -> engine.servesIssued("p1.test") && engine.servesIssued("p2.test") && engine.servesIssued("p3.test"));
        } finally {
            engine.manager.stop();
            scheduler.close();
            workers.shutdownNow();
        }
        assertThat(engine.issuer().orders).hasSize(3);
        assertThat(threads).isNotEmpty().allMatch(name -> name.startsWith("autotls-order-"));
    }

    @Test
    void aCancelledTaskNeverRuns() throws Exception {
        Engine engine = new Engine();
        Scheduler scheduler = SystemScheduler.start(engine.clock);
        java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
        try {
            scheduler.schedule(ran::incrementAndGet, engine.clock.instant().plusMillis(200)).cancel();
            java.util.concurrent.CountDownLatch later = new java.util.concurrent.CountDownLatch(1);
            scheduler.schedule(later::countDown, engine.clock.instant().plusMillis(300));
            assertThat(later.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
            scheduler.close();
        }
        assertThat(ran.get()).isZero();
    }

    @Test
    void requiredRecordsGatherEachCertificatesLines() throws Exception {
        ManagedCertificate one = new ManagedCertificate(List.of("r1.test"), Engine.strategy(List.of("r1.test. TXT \"one\"")), "test");
        ManagedCertificate two = new ManagedCertificate(List.of("r2.test"), Engine.strategy(List.of("r2.test. TXT \"two\"")), "test");

        assertThat(RequiredRecords.of(List.of(one, two))).containsExactly("r1.test. TXT \"one\"", "r2.test. TXT \"two\"");
    }
}
