package dev.autotls.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.acme.IssuedCertificate;
import dev.autotls.internal.store.StoredCertificate;
import dev.autotls.internal.tls.KeyType;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** What other instances store is served only when newer; looks at the store may come from any thread. */
class StoreSyncTest {

    /** A certificate as another instance would store it, issued now by the engine's issuer. */
    private static StoredCertificate storedElsewhere(Engine engine, String name) throws Exception {
        IssuedCertificate issued = engine.issuer().obtain(List.of(name), Engine.STRATEGY, KeyType.EC256, Optional.empty());
        return new StoredCertificate(issued.names(), issued.keyPair(), issued.chain(), engine.clock.instant());
    }

    @Test
    void servesANewerCertificateAnotherInstanceStored() throws Exception {
        Engine engine = new Engine().certificate("s.test").start();
        engine.runDue();
        engine.clock.advance(Duration.ofDays(1));
        StoredCertificate newer = storedElsewhere(engine, "s.test");
        engine.files.save(newer);

        assertThat(engine.manager.syncNow()).isEqualTo(1);
        assertThat(engine.served("s.test")).isEqualTo(newer.leaf());
        assertThat(engine.manager.syncNow()).as("an unchanged version is not read again").isZero();
    }

    @Test
    void neverRollsBackToAnOlderCertificate() throws Exception {
        Engine engine = new Engine().certificate("t.test").start();
        StoredCertificate older = storedElsewhere(engine, "t.test");
        engine.clock.advance(Duration.ofDays(1));
        engine.runDue();
        BigInteger served = engine.servedSerial("t.test");

        engine.files.save(older); // a slow instance stores what it obtained earlier
        engine.manager.syncNow();
        engine.manager.reload();

        assertThat(engine.servedSerial("t.test")).isEqualTo(served);
    }

    @Test
    void looksFromManyThreadsAtOnceServeTheNewest() throws Exception {
        Engine engine = new Engine().certificate("u.test").start();
        engine.runDue();
        ConcurrentLinkedQueue<Throwable> thrown = new ConcurrentLinkedQueue<>();
        List<Thread> lookers = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread looker = new Thread(() -> {
                try {
                    for (int n = 0; n < 300; n++) {
                        engine.manager.syncNow();
                    }
                } catch (Throwable t) {
                    thrown.add(t);
                }
            });
            lookers.add(looker);
            looker.start();
        }
        StoredCertificate last = null;
        for (int i = 0; i < 30; i++) {
            engine.clock.advance(Duration.ofMinutes(1));
            last = storedElsewhere(engine, "u.test");
            engine.files.save(last);
        }
        for (Thread looker : lookers) {
            looker.join(60_000);
        }
        engine.manager.syncNow();

        assertThat(thrown).isEmpty();
        assertThat(engine.served("u.test")).isEqualTo(last.leaf());
    }
}
