package dev.autotls.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import dev.autotls.spi.TransientException;
import dev.autotls.testing.Await;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class CaCircuitTest {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    /** No jitter: the fixed random returns the middle of the range. */
    private static CaCircuit circuit() {
        RandomGenerator middle = new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return 0.5;
            }
        };
        return new CaCircuit(new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(30), middle), Duration.ofSeconds(30));
    }

    @Test
    void aClosedCircuitLetsEveryoneProceed() throws Exception {
        CaCircuit circuit = circuit();
        assertThat(circuit.admit(T0)).isInstanceOf(CaCircuit.Proceed.class);
        assertThat(circuit.isOpen()).isFalse();
    }

    @Test
    void ordersWaitForTheFirstContactsAnswerAndTheFirstOfThemReportsItsFailure() throws Exception {
        CaCircuit circuit = circuit();
        assertThat(circuit.claimFirstContact(T0)).isTrue();
        CompletableFuture<CaCircuit.Admission> order = CompletableFuture.supplyAsync(() -> admit(circuit, T0));
        Await.until("the order to wait on the circuit", Duration.ofSeconds(10), () -> waiting(circuit));
        assertThat(order).as("no answer before the first contact reports").isNotDone();
        TransientException unavailable = new TransientException("HTTP 503", null, true, T0.plusSeconds(20));
        circuit.firstContactFailed(T0, unavailable);
        assertThat(order.get(10, TimeUnit.SECONDS)).as("after a 503 with Retry-After 20")
                .isEqualTo(new CaCircuit.Wait(T0.plusSeconds(20)));
        assertThat(circuit.takeUnreported()).as("for the first order that waits").containsSame(unavailable);
        assertThat(circuit.takeUnreported()).as("once").isEmpty();
        circuit.failedBy(T0, unavailable);
        assertThat(circuit.openUntil()).as("reported again by that order, counted once").contains(T0.plusSeconds(20));
    }

    @Test
    void aFirstContactClaimedByTheWarmStartHoldsOrdersUntilItAnswers() throws Exception {
        CaCircuit circuit = circuit();
        assertThat(circuit.claimFirstContact(T0)).isTrue();
        assertThat(circuit.claimFirstContact(T0)).as("a second claim").isFalse();
        CompletableFuture<CaCircuit.Admission> order = CompletableFuture.supplyAsync(() -> admit(circuit, T0));
        Await.until("the order to wait on the circuit", Duration.ofSeconds(10), () -> waiting(circuit));
        circuit.succeeded();
        assertThat(order.get(10, TimeUnit.SECONDS)).isInstanceOf(CaCircuit.Proceed.class);
        assertThat(circuit.claimFirstContact(T0)).as("once contacted").isFalse();
    }

    @Test
    void aReleasedFirstContactPassesToTheNextCaller() throws Exception {
        CaCircuit circuit = circuit();
        assertThat(circuit.claimFirstContact(T0)).isTrue();
        CompletableFuture<CaCircuit.Admission> order = CompletableFuture.supplyAsync(() -> admit(circuit, T0));
        Await.until("the order to wait on the circuit", Duration.ofSeconds(10), () -> waiting(circuit));
        circuit.released();
        assertThat(order.get(10, TimeUnit.SECONDS)).as("nothing learnt: the waiting order goes ahead")
                .isInstanceOf(CaCircuit.Proceed.class);
    }

    private static CaCircuit.Admission admit(CaCircuit circuit, Instant now) {
        try {
            return circuit.admit(now);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether some thread waits in the circuit's monitor (an admission blocked on the first contact). */
    private static boolean waiting(CaCircuit circuit) {
        return Thread.getAllStackTraces().entrySet().stream()
                .anyMatch(entry -> entry.getKey().getState() == Thread.State.TIMED_WAITING
                        && java.util.Arrays.stream(entry.getValue()).anyMatch(frame -> frame.getClassName()
                                .equals(CaCircuit.class.getName()) && frame.getMethodName().equals("admit")));
    }

    @Test
    void afterAFailureEveryoneWaitsThenExactlyOneProbes() throws Exception {
        CaCircuit circuit = circuit();
        circuit.failed(T0, Optional.empty());
        assertThat(circuit.admit(T0.plusSeconds(4))).isEqualTo(new CaCircuit.Wait(T0.plusSeconds(5)));
        assertThat(circuit.admit(T0.plusSeconds(5))).isInstanceOf(CaCircuit.Probe.class);
        assertThat(circuit.admit(T0.plusSeconds(5))).as("a second caller while the probe runs").isInstanceOf(CaCircuit.Wait.class);
        circuit.succeeded();
        assertThat(circuit.admit(T0.plusSeconds(6))).isInstanceOf(CaCircuit.Proceed.class);
    }

    @Test
    void waitsGrowToTheCapAndRetryAfterWinsWhenLater() {
        CaCircuit circuit = circuit();
        Instant now = T0;
        for (int i = 0; i < 10; i++) {
            circuit.failed(now, Optional.empty());
            now = circuit.openUntil().orElseThrow();
        }
        circuit.failed(now, Optional.empty());
        assertThat(Duration.between(now, circuit.openUntil().orElseThrow())).isEqualTo(Duration.ofSeconds(30));
        circuit.failed(now, Optional.of(now.plusSeconds(120)));
        assertThat(circuit.openUntil()).contains(now.plusSeconds(120));
    }

    @Test
    void aProbeThatNeverReportsDoesNotHoldEveryoneForEver() throws Exception {
        CaCircuit circuit = circuit();
        circuit.failed(T0, Optional.empty());
        assertThat(circuit.admit(T0.plusSeconds(5))).isInstanceOf(CaCircuit.Probe.class);
        assertThat(circuit.admit(T0.plusSeconds(36))).as("the prober vanished").isInstanceOf(CaCircuit.Probe.class);
    }
}
