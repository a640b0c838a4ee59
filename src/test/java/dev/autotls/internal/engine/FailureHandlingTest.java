package dev.autotls.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.acme.CaRefusalException;
import dev.autotls.spi.OwnerActionException;
import dev.autotls.spi.StorageException;
import dev.autotls.spi.TransientException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Each kind of failure: when the next look comes, what is said, and which CA the next order goes to. */
class FailureHandlingTest {

    @Test
    void aTransientFailureWaitsForTheIssuersRetryAfter() throws Exception {
        Engine engine = new Engine().certificate("r.test").start();
        Instant retryAfter = Engine.T0.plus(Duration.ofMinutes(30));
        engine.issuer().failNext(new TransientException("the CA answered 503", null, false, retryAfter));

        engine.runDue();

        assertThat(engine.managed("r.test").state().nextAttempt()).isAfterOrEqualTo(retryAfter);
        assertThat(engine.events.failures).hasSize(1);
        engine.clock.set(retryAfter.minusSeconds(1));
        engine.runDue();
        assertThat(engine.issuer().orders).as("not before Retry-After").hasSize(1);
        engine.advance(Duration.ofMinutes(5));
        assertThat(engine.issuer().orders).hasSize(2);
        assertThat(engine.servesIssued("r.test")).isTrue();
    }

    @Test
    void ownerActionIsSaidOnceAndCheckedAgainAfterAboutAMinuteAtFirst() throws Exception {
        Engine engine = new Engine().certificate("o.test").start();
        engine.issuer().failNext(new OwnerActionException("add the record for o.test"))
                .failNext(new OwnerActionException("add the record for o.test"));

        engine.runDue();
        Instant next = engine.managed("o.test").state().nextAttempt();
        assertThat(next).as("a minute, give or take the jitter")
                .isBetween(Engine.T0.plusSeconds(40), Engine.T0.plusSeconds(80));
        assertThat(engine.events.failures).hasSize(1);
        assertThat(engine.managed("o.test").state().ownerAction()).isEqualTo("add the record for o.test");

        engine.clock.set(next);
        engine.runDue();
        engine.advance(Duration.ofMinutes(30));
        assertThat(engine.issuer().orders).hasSize(3);
        assertThat(engine.servesIssued("o.test")).isTrue();
        assertThat(engine.managed("o.test").state().ownerAction()).as("cleared once it worked").isNull();
    }

    @Test
    void aCaWideFailureOpensTheCircuitAndOneProbeReopensIt() throws Exception {
        Engine engine = new Engine().certificate("w1.test").certificate("w2.test").start();
        engine.issuer().failNext(new TransientException("the CA is down", null, true, null));
        engine.issuer().failProbe(new TransientException("still down", null, true, null));

        engine.runDue();
        assertThat(engine.issuer().orders).as("the second certificate waits behind the open circuit").hasSize(1);

        engine.advance(Duration.ofMinutes(2));
        assertThat(engine.issuer().probes.get()).as("a cheap probe instead of orders").isPositive();
        assertThat(engine.issuer().orders).hasSize(1);

        engine.issuer().failProbe(null);
        engine.advance(Duration.ofMinutes(30));
        assertThat(engine.issuer().orders).hasSize(3);
        assertThat(engine.servesIssued("w1.test") && engine.servesIssued("w2.test")).isTrue();
    }

    @Test
    void aRefusalMovesTheOrderToTheNextCaAndTheRenewalReturnsToTheFirst() throws Exception {
        Engine engine = new Engine().withIssuers(2).certificate("f.test").start();
        engine.issuers.get(0).failNext(new CaRefusalException("CA 1 refuses f.test for good"));

        engine.runDue();
        engine.advance(Duration.ofMinutes(1));

        assertThat(engine.issuers.get(0).orders).hasSize(1);
        assertThat(engine.issuers.get(1).orders).hasSize(1);
        assertThat(engine.served("f.test").getIssuerX500Principal().getName()).contains("ca2.test");
        assertThat(engine.managed("f.test").state().tryingCa()).as("the next renewal starts with the first CA")
                .isEqualTo(engine.issuers.get(0).id());

        engine.advance(Duration.ofDays(62));
        engine.advance(Duration.ofHours(7));
        assertThat(engine.issuers.get(0).orders).hasSize(2);
        assertThat(engine.served("f.test").getIssuerX500Principal().getName()).contains("ca1.test");
    }

    @Test
    void aFailingCaIsLeftForTheNextAfterFallbackAfter() throws Exception {
        Engine engine = new Engine().withIssuers(2).fallbackAfter(Duration.ofHours(1)).certificate("g.test").start();
        for (int i = 0; i < 50; i++) {
            engine.issuers.get(0).failNext(new TransientException("CA 1 times out", null, false, null));
        }

        engine.runDue();
        for (int i = 0; i < 12; i++) {
            engine.advance(Duration.ofMinutes(15));
        }

        assertThat(engine.issuers.get(1).orders).as("after an hour of failures on CA 1").hasSize(1);
        assertThat(engine.servesIssued("g.test")).isTrue();
    }

    @Test
    void theStoreDownMeansNoOrderAndALookWithinAMinute() throws Exception {
        Engine engine = new Engine().certificate("d.test").start();
        engine.store.down(true);

        engine.runDue();

        assertThat(engine.issuer().orders).as("no order without the store (no lease)").isEmpty();
        assertThat(engine.managed("d.test").state().nextAttempt()).isBefore(Engine.T0.plus(Duration.ofSeconds(61)));
        assertThat(engine.events.lastFailure().cause()).isInstanceOf(StorageException.class);

        engine.store.down(false);
        engine.advance(Duration.ofMinutes(2));
        assertThat(engine.servesIssued("d.test")).isTrue();
    }

    @Test
    void anUnexpectedErrorIsHandledAsTransient() throws Exception {
        Engine engine = new Engine().certificate("x.test").start();
        engine.issuer().duringOrder(() -> {
            throw new IllegalStateException("a bug in a strategy");
        });

        engine.runDue();

        assertThat(engine.events.lastFailure().cause()).isInstanceOf(TransientException.class);
        assertThat(engine.managed("x.test").state().nextAttempt()).isAfter(Engine.T0);
        engine.issuer().duringOrder(() -> { });
        engine.advance(Duration.ofHours(2));
        assertThat(engine.servesIssued("x.test")).isTrue();
    }
}
