package dev.autotls.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
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
    void aClosedCircuitLetsEveryoneProceed() {
        CaCircuit circuit = circuit();
        assertThat(circuit.admit(T0)).isInstanceOf(CaCircuit.Proceed.class);
        assertThat(circuit.isOpen()).isFalse();
    }

    @Test
    void afterAFailureEveryoneWaitsThenExactlyOneProbes() {
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
    void aProbeThatNeverReportsDoesNotHoldEveryoneForEver() {
        CaCircuit circuit = circuit();
        circuit.failed(T0, Optional.empty());
        assertThat(circuit.admit(T0.plusSeconds(5))).isInstanceOf(CaCircuit.Probe.class);
        assertThat(circuit.admit(T0.plusSeconds(36))).as("the prober vanished").isInstanceOf(CaCircuit.Probe.class);
    }
}
