package dev.autotls.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.acme.RenewalWindow;
import dev.autotls.internal.store.StoredCertificate;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The renewal engine over a fake issuer and an in-memory store: obtaining, renewing, stopping. */
class CertificateManagerTest {

    @Test
    void obtainsAtStartServesAndStoresTheCertificate() throws Exception {
        Engine engine = new Engine().certificate("a.test", "*.a.test").start();
        assertThat(engine.servesIssued("a.test")).as("before the first look: the temporary certificate").isFalse();

        engine.runDue();

        assertThat(engine.issuer().orders).containsExactly(java.util.List.of("a.test", "*.a.test"));
        assertThat(engine.servesIssued("a.test")).isTrue();
        assertThat(engine.servesIssued("x.a.test")).as("the wildcard name").isTrue();
        assertThat(engine.stored("a.test")).map(StoredCertificate::leaf).contains(engine.served("a.test"));
        assertThat(engine.events.obtained).hasSize(1);
        assertThat(engine.managed("a.test").state().saved()).isTrue();
    }

    @Test
    void renewsInTheLastThirdWithoutAWindowAndNamesWhatItReplaces() throws Exception {
        Engine engine = new Engine().certificate("b.test").start();
        engine.runDue();
        X509Certificate first = engine.served("b.test");

        engine.advance(Duration.ofDays(55)); // 90-day certificate: its last third starts at day 60
        assertThat(engine.issuer().orders).hasSize(1);

        engine.advance(Duration.ofDays(7));
        engine.advance(RenewalPolicy.MAX_RECHECK);
        assertThat(engine.issuer().orders).hasSize(2);
        assertThat(engine.issuer().replaced.get(1)).contains(first);
        assertThat(engine.servedSerial("b.test")).isNotEqualTo(first.getSerialNumber());
        assertThat(engine.events.renewed).hasSize(1);
    }

    @Test
    void renewsWhenTheIssuersWindowOpensAndFetchesItOncePerLook() throws Exception {
        Engine engine = new Engine().certificate("c.test").start();
        Instant windowStart = Engine.T0.plus(Duration.ofDays(20));
        // the window of the first certificate only; its successor's window lies far ahead
        engine.issuer().windows(leaf -> Optional.of(leaf.getNotBefore().toInstant().isBefore(windowStart)
                ? new RenewalWindow(windowStart, windowStart.plus(Duration.ofHours(1)), Optional.of(Engine.T0.plus(Duration.ofDays(400))))
                : new RenewalWindow(windowStart.plus(Duration.ofDays(60)), windowStart.plus(Duration.ofDays(61)), Optional.empty())));
        engine.runDue();
        BigInteger first = engine.servedSerial("c.test");
        engine.issuer().windowRequests.set(0);

        engine.advance(Duration.ofDays(10));
        assertThat(engine.issuer().orders).as("window not open yet").hasSize(1);
        assertThat(engine.issuer().windowRequests.get())
                .as("a window kept until the answer's Retry-After is not fetched again, whatever the looks").isZero();

        engine.advance(Duration.ofDays(11));
        engine.advance(Duration.ofHours(2));
        assertThat(engine.issuer().orders).hasSize(2);
        assertThat(engine.servedSerial("c.test")).isNotEqualTo(first);
    }

    @Test
    void oneLookAsksTheIssuerForTheWindowOnce() throws Exception {
        Engine engine = new Engine().certificate("d.test").start();
        engine.issuer().windows(leaf -> Optional.of(new RenewalWindow(Engine.T0.plus(Duration.ofDays(60)),
                Engine.T0.plus(Duration.ofDays(61)), Optional.empty())));
        engine.runDue(); // the first order
        engine.issuer().windowRequests.set(0);

        engine.advance(Duration.ofHours(7)); // one healthy look (the window is kept for an hour without Retry-After)

        assertThat(engine.issuer().windowRequests.get()).isEqualTo(1);
    }

    @Test
    void anOperatorsRenewDuringARunningJobRunsRightAfterIt() throws Exception {
        Engine engine = new Engine().certificate("e.test").start();
        engine.runDue();
        assertThat(engine.issuer().orders).hasSize(1);

        // a healthy look is running when the operator asks; the job that asked for now finds it in flight
        java.util.concurrent.atomic.AtomicBoolean asked = new java.util.concurrent.atomic.AtomicBoolean();
        engine.issuer().windows(leaf -> {
            if (asked.compareAndSet(false, true)) {
                engine.manager.renewNow("e.test");
                engine.runDue(); // the operator's job starts while this one is in flight
            }
            return Optional.empty();
        });
        engine.advance(Duration.ofHours(7));

        assertThat(engine.issuer().orders).as("the operator's renewal, right after the running job").hasSize(2);
    }

    @Test
    void aLeaseLostDuringTheOrderStoresAndServesNothing() throws Exception {
        Engine engine = new Engine().certificate("f.test").start();
        engine.issuer().duringOrder(() -> engine.store.takeOver(engine.files.lockName("f.test")));

        engine.runDue();

        assertThat(engine.issuer().orders).hasSize(1);
        assertThat(engine.servesIssued("f.test")).as("an order whose lease was lost is not served").isFalse();
        assertThat(engine.stored("f.test")).isEmpty();
        assertThat(engine.managed("f.test").state().nextAttempt())
                .as("looks again after a sync interval, for what the new holder stores").isEqualTo(engine.clock.instant().plusSeconds(10));
    }

    @Test
    void stopDuringAnOrderSchedulesNothingMore() throws Exception {
        Engine engine = new Engine().certificate("g.test").start();
        engine.issuer().duringOrder(engine.manager::stop);

        engine.runDue();
        engine.advance(Duration.ofDays(100));

        assertThat(engine.issuer().orders).hasSize(1);
    }

    @Test
    void anotherCertificateIsOrderedWhileOneFails() throws Exception {
        Engine engine = new Engine().certificate("h.test").certificate("i.test").start();
        engine.issuer().failNext(new dev.autotls.spi.OwnerActionException("the owner must add a record for h.test", null));

        engine.runDue();

        assertThat(engine.issuer().orders).hasSize(2);
        assertThat(engine.servesIssued("h.test") ^ engine.servesIssued("i.test")).as("exactly one was served").isTrue();
    }

    @Test
    void aCertificateAddedAndOneRemovedWhileAnotherIsOrdered() throws Exception {
        Engine engine = new Engine().certificate("m1.test").certificate("m2.test").start();
        engine.issuer().duringOrder(() -> {
            if (engine.issuer().orders.size() == 1) { // while m1.test is being ordered
                engine.manager.add(new ManagedCertificate(java.util.List.of("m3.test"), Engine.STRATEGY, "added at run time"));
                engine.manager.remove("m2.test");
            }
        });

        engine.runDue();
        engine.advance(Duration.ofDays(30));

        assertThat(engine.issuer().orders).extracting(names -> names.get(0)).containsExactly("m1.test", "m3.test");
        assertThat(engine.servesIssued("m3.test")).isTrue();
        assertThat(engine.registry.lookup("m2.test")).as("a removed certificate is no longer served").isEmpty();
        assertThat(engine.manager.certificates()).extracting(ManagedCertificate::firstName).containsExactly("m1.test", "m3.test");
        assertThat(engine.manager.syncNow()).isZero();
    }

    @Test
    void aCertificateAddedServesWhatTheStoreHoldsWithoutAnOrder() throws Exception {
        Engine engine = new Engine().certificate("n1.test").start();
        engine.runDue();
        engine.manager.remove("n1.test");
        engine.advance(Duration.ofDays(1));

        engine.manager.add(new ManagedCertificate(java.util.List.of("n1.test"), Engine.STRATEGY, "managed again"));
        engine.advance(CertificateManager.START_SPREAD);

        assertThat(engine.managed("n1.test").state().last()).as("its first look came").isNotNull();
        assertThat(engine.issuer().orders).as("what the store holds is served; no new order").hasSize(1);
        assertThat(engine.servesIssued("n1.test")).isTrue();
    }

    @Test
    void manyCertificatesAddedAtOnceAreEachOrderedOnceAndADuplicateAddsNone() throws Exception {
        Engine engine = new Engine().certificate("k0.test").start();
        engine.runDue();
        java.util.List<ManagedCertificate> added = new java.util.ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            added.add(new ManagedCertificate(java.util.List.of("k" + i + ".test"), Engine.STRATEGY, "added at run time"));
        }

        engine.manager.addAll(added);
        engine.runDue();

        assertThat(engine.manager.certificates()).hasSize(51);
        assertThat(engine.issuer().orders).as("one order each, the first one's before").hasSize(51);
        assertThat(engine.servesIssued("k50.test")).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.manager.addAll(java.util.List.of(
                        new ManagedCertificate(java.util.List.of("k51.test"), Engine.STRATEGY, "new"),
                        new ManagedCertificate(java.util.List.of("k7.test"), Engine.STRATEGY, "again"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k7.test");
        assertThat(engine.manager.certificate("k51.test")).as("all or none").isEmpty();
    }

    @Test
    void aCertificateRemovedWhileItsOrderRunsIsNotServedByThatOrder() throws Exception {
        Engine engine = new Engine().certificate("q.test").start();
        engine.issuer().duringOrder(() -> engine.manager.remove("q.test"));

        engine.runDue();

        assertThat(engine.issuer().orders).hasSize(1);
        assertThat(engine.registry.lookup("q.test")).as("the order that was running does not serve it again").isEmpty();
        engine.manager.syncNow();
        engine.manager.reload();
        assertThat(engine.registry.lookup("q.test")).as("nor does a look at the store").isEmpty();
    }

    @Test
    void aCertificateRemovedAndAddedAgainWhileItsJobRunsIsLookedAt() throws Exception {
        Engine engine = new Engine().certificate("a2.test").start();
        engine.issuer().duringOrder(() -> {
            if (engine.issuer().orders.size() == 1) {
                engine.manager.remove("a2.test");
                engine.manager.add(new ManagedCertificate(java.util.List.of("a2.test"), Engine.STRATEGY, "again"));
            }
        });

        engine.runDue();
        engine.advance(CertificateManager.START_SPREAD);

        assertThat(engine.managed("a2.test").state().last()).as("the new certificate had its own look").isNotNull();
        assertThat(engine.servesIssued("a2.test")).isTrue();
    }

    @Test
    void aCaThatCannotAnswerForTheWindowIsAskedOncePerLookAndCountedOnce() throws Exception {
        Engine engine = new Engine().certificate("ari.test").start();
        engine.runDue();
        engine.issuer().windowRequests.set(0);
        engine.issuer().failWindows(new dev.autotls.spi.TransientException("the CA is down", null, true, null));

        engine.advance(Duration.ofHours(7)); // one healthy look

        assertThat(engine.issuer().windowRequests.get()).isEqualTo(1);
        assertThat(engine.issuer().orders).as("a window that cannot be read never causes a renewal").hasSize(1);
    }
}
