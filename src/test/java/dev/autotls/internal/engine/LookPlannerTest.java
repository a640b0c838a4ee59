package dev.autotls.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.acme.IssuedCertificate;
import dev.autotls.internal.store.StoredCertificate;
import dev.autotls.internal.tls.KeyType;
import dev.autotls.spi.CertificateStore.NextLook;
import dev.autotls.spi.TransientException;
import dev.autotls.testing.FakeIssuer;
import dev.autotls.testing.TestCertificates;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When certificates are looked at: one planner per engine over the next looks kept in the store, not a timer each. */
class LookPlannerTest {
    private static final Instant ALL = KeptLooks.ALL;

    @Test
    void aStartWithThousandsOfHealthyCertificatesSchedulesAFewWakeUpsAndLooksAtNone() throws Exception {
        Engine engine = new Engine();
        int count = 1_000;
        for (int i = 0; i < count; i++) {
            engine.certificate(name(i));
        }
        engine.build();
        KeyPair key = KeyPairGenerator.getInstance("EC").generateKeyPair(); // one for all: generating 1,000 takes seconds
        for (int i = 0; i < count; i++) { // as a previous run stored them
            X509Certificate leaf = TestCertificates.selfSigned(List.of(name(i)), key, Engine.T0.minusSeconds(1),
                    Engine.T0.plus(Duration.ofDays(90)));
            store(engine, new StoredCertificate(List.of(name(i)), key, List.of(leaf), Engine.T0),
                    Engine.T0.plus(Duration.ofHours(1)).plusSeconds(i));
        }

        engine.manager.start(engine.scheduler, Runnable::run);
        assertThat(engine.scheduler.pending()).as("wake-ups for the whole engine, not one per certificate").isLessThan(5);
        engine.store.reads.clear();
        engine.runDue();

        assertThat(engine.scheduler.pending()).as("after the first read of the next looks").isLessThan(5);
        assertThat(engine.manager.certificates()).as("no certificate looked at: none is due")
                .allMatch(certificate -> certificate.state().last() == null);
        assertThat(engine.issuer().windowRequests.get()).isZero();
        assertThat(engine.store.reads.keySet()).as("no certificate read from the store, only next looks")
                .allMatch(read -> read.endsWith("/" + NextLook.ITEM));
        assertThat(engine.managed(name(7)).state().nextAttempt()).as("the status says the look the store keeps")
                .isEqualTo(Engine.T0.plus(Duration.ofHours(1)).plusSeconds(7));

        engine.clock.set(Engine.T0.plus(Duration.ofHours(1)).plusSeconds(9));
        engine.runDue();

        assertThat(engine.manager.certificates()).filteredOn(certificate -> certificate.state().last() != null)
                .extracting(ManagedCertificate::firstName).as("the ten whose look came")
                .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 10).mapToObj(LookPlannerTest::name).toList());
        assertThat(look(engine, name(3)).at()).as("its new look is kept").isAfter(engine.clock.instant());
        assertThat(engine.issuer().orders).isEmpty();
        assertThat(engine.scheduler.pending()).isLessThan(5);
    }

    @Test
    void aCertificateWhoseLookComesIsLookedAtAndItsNextLookKeptWithItsExpiry() throws Exception {
        Engine engine = new Engine().certificate("a.test").start();
        engine.runDue(); // the first order

        NextLook first = look(engine, "a.test");
        StoredCertificate stored = engine.stored("a.test").orElseThrow();
        assertThat(first.at()).isEqualTo(engine.managed("a.test").state().nextAttempt()).isAfter(Engine.T0);
        assertThat(first.expires()).isEqualTo(stored.notAfter());

        engine.clock.set(first.at().minusSeconds(1));
        engine.runDue();
        assertThat(engine.managed("a.test").state().last().at()).as("not before its look").isEqualTo(Engine.T0);

        engine.advance(Duration.ofSeconds(1));
        assertThat(engine.managed("a.test").state().last().at()).isEqualTo(first.at());
        assertThat(look(engine, "a.test").at()).isEqualTo(engine.managed("a.test").state().nextAttempt()).isAfter(first.at());
    }

    @Test
    void aFailuresBackOffIsKeptAsTheNextLookAndARestartWaitsForIt() throws Exception {
        Engine engine = new Engine().certificate("b.test").start();
        Instant retryAfter = Engine.T0.plus(Duration.ofMinutes(30));
        engine.issuer().failNext(new TransientException("the CA answered 503", null, false, retryAfter));

        engine.runDue();

        NextLook backOff = look(engine, "b.test");
        assertThat(backOff.at()).isEqualTo(engine.managed("b.test").state().nextAttempt()).isAfterOrEqualTo(retryAfter);
        assertThat(backOff.expires()).as("nothing obtained yet").isEqualTo(Instant.MAX);

        engine.manager.stop();
        Engine restarted = engine.sibling().certificate("b.test").start();
        restarted.advance(Duration.ofMinutes(10));
        assertThat(restarted.issuer().orders).as("the back-off kept in the store holds after a restart").isEmpty();

        restarted.clock.set(backOff.at());
        restarted.runDue();
        assertThat(restarted.issuer().orders).hasSize(1);
        assertThat(restarted.servesIssued("b.test")).isTrue();
    }

    @Test
    void aLookSavedByAnotherInstanceIsHonoured() throws Exception {
        Engine engine = new Engine().certificate("c.test").start();
        engine.runDue();
        StoredCertificate stored = engine.stored("c.test").orElseThrow();
        Instant theirs = Engine.T0.plus(Duration.ofMinutes(10));

        engine.store.saveNextLook(new NextLook(engine.files.folder("c.test"), theirs, stored.notAfter()));
        engine.advance(Duration.ofMinutes(9));
        assertThat(engine.managed("c.test").state().last().at()).isEqualTo(Engine.T0);

        engine.clock.set(theirs);
        engine.runDue();
        assertThat(engine.managed("c.test").state().last().at()).as("looked at when the other instance's look came")
                .isEqualTo(theirs);
    }

    @Test
    void anOperatorsRenewalOrdersAtOnceAmongHealthyCertificates() throws Exception {
        Engine engine = new Engine().certificate("d1.test").certificate("d2.test").certificate("d3.test").start();
        engine.runDue();
        assertThat(engine.issuer().orders).hasSize(3);

        assertThat(engine.manager.renewNow("d2.test")).isTrue();
        engine.runDue();

        assertThat(engine.issuer().orders).hasSize(4);
        assertThat(engine.issuer().orders.get(3)).containsExactly("d2.test");
        assertThat(look(engine, "d2.test").at()).isAfter(engine.clock.instant());
    }

    @Test
    void aRestartLooksOnlyAtWhatIsDueOrHasNoNextLook() throws Exception {
        Engine engine = new Engine().certificate("due.test").certificate("later.test").certificate("older.test")
                .certificate("new.test").build();
        FakeIssuer earlier = new FakeIssuer(engine.issuer().id(), engine.clock);
        store(engine, earlier, "due.test", Engine.T0.minusSeconds(30));
        store(engine, earlier, "later.test", Engine.T0.plus(Duration.ofHours(3)));
        store(engine, earlier, "older.test", null); // stored by a version that kept no next looks

        engine.manager.start(engine.scheduler, Runnable::run);
        engine.runDue();

        assertThat(lookedAt(engine)).as("the one without a next look at once too: its facts are read, the CA asked nothing")
                .containsExactlyInAnyOrder("due.test", "new.test", "older.test");
        assertThat(engine.issuer().orders).as("only the one nothing is stored for").containsExactly(List.of("new.test"));
        engine.advance(CertificateManager.START_SPREAD);
        assertThat(lookedAt(engine)).as("the one without a next look, once, within the spread")
                .containsExactlyInAnyOrder("due.test", "new.test", "older.test");
        assertThat(engine.store.nextLooks(engine.files.certificatesFolder(), ALL, 10)).extracting(NextLook::folderKey)
                .as("now every one has a next look").hasSize(4);

        engine.manager.stop();
        engine.advance(Duration.ofHours(4));
        assertThat(engine.managed("later.test").state().last()).as("nothing runs while stopped").isNull();
        engine.manager.start(engine.scheduler, Runnable::run);
        engine.runDue();
        assertThat(lookedAt(engine)).as("started again: what fell due meanwhile")
                .containsExactlyInAnyOrder("due.test", "new.test", "older.test", "later.test");
    }

    @Test
    void aLookThatCannotBeSavedIsKeptInMemoryAndSavedAfterTheNextJob() throws Exception {
        Engine engine = new Engine().certificate("e.test").start();
        engine.runDue();
        NextLook first = look(engine, "e.test");
        engine.store.failSaves(engine.files.folder("e.test") + "/" + NextLook.ITEM, 1);

        engine.clock.set(first.at());
        engine.runDue();
        Instant second = engine.managed("e.test").state().nextAttempt();
        assertThat(look(engine, "e.test")).as("the store still holds the older look").isEqualTo(first);

        engine.advance(Duration.ofMinutes(10));
        assertThat(engine.managed("e.test").state().last().at()).as("the older look in the store is not looked at again")
                .isEqualTo(first.at());
        engine.clock.set(second);
        engine.runDue();
        assertThat(engine.managed("e.test").state().last().at()).as("the look kept in memory came").isEqualTo(second);
        assertThat(look(engine, "e.test").at()).as("saved with the next job").isEqualTo(engine.managed("e.test").state().nextAttempt());
    }

    @Test
    void aBacklogLargerThanABatchIsWorkedThroughInBatches() throws Exception {
        Engine engine = new Engine();
        int count = LookPlanner.BATCH * 2 + 50;
        for (int i = 0; i < count; i++) {
            engine.certificate(name(i));
        }
        engine.start();
        engine.runDue(); // the first orders
        assertThat(engine.issuer().orders).hasSize(count);

        engine.advance(RenewalPolicy.MAX_RECHECK.plusHours(1)); // every look due at once: an instance that was down

        assertThat(engine.manager.certificates()).as("each looked at once more")
                .allMatch(certificate -> certificate.state().last().at().equals(engine.clock.instant()));
        assertThat(engine.issuer().orders).hasSize(count);
    }

    @Test
    void looksKeptForCertificatesNoLongerManagedAreIgnoredEvenWhenTheyFillABatch() throws Exception {
        Engine engine = new Engine().certificate("kept.test").start();
        engine.runDue();
        for (int i = 0; i < LookPlanner.BATCH + 20; i++) { // due long ago, of certificates this site no longer manages
            engine.store.saveNextLook(new NextLook(engine.files.folder(name(i)), Engine.T0.minusSeconds(i), Instant.MAX));
        }
        Instant theirs = Engine.T0.plus(Duration.ofMinutes(5));
        engine.store.saveNextLook(new NextLook(engine.files.folder("kept.test"), theirs, Instant.MAX));

        engine.advance(Duration.ofMinutes(4)); // a poll: a full batch of looks it skips, then on past them
        assertThat(engine.managed("kept.test").state().last().at()).isEqualTo(Engine.T0);
        engine.clock.set(theirs);
        engine.runDue();

        assertThat(engine.managed("kept.test").state().last().at()).isEqualTo(theirs);
        assertThat(engine.issuer().orders).hasSize(1);
    }

    @Test
    void aDueRenewalIsOrderedOnceThoughEveryInstancePlansIt() throws Exception {
        Engine a = new Engine().certificate("s.test").start();
        a.runDue();
        Engine b = a.sibling().certificate("s.test").start();
        b.runDue();

        for (int day = 0; day < 65; day++) {
            a.clock.advance(Duration.ofDays(1));
            a.runDue();
            b.runDue();
        }

        assertThat(a.issuer().orders.size() + b.issuer().orders.size()).as("the first order and one renewal").isEqualTo(2);
        assertThat(b.served("s.test").getSerialNumber()).isEqualTo(a.served("s.test").getSerialNumber());
    }

    /** Stores a certificate for {@code firstName} as an earlier run did, and its next look at {@code at} (none when null). */
    private static void store(Engine engine, FakeIssuer issuer, String firstName, Instant at) throws Exception {
        IssuedCertificate issued = issuer.obtain(List.of(firstName), Engine.STRATEGY, KeyType.EC256, Optional.empty());
        store(engine, new StoredCertificate(issued.names(), issued.keyPair(), issued.chain(), engine.clock.instant()), at);
    }

    private static void store(Engine engine, StoredCertificate stored, Instant at) throws Exception {
        engine.files.save(stored);
        if (at != null) {
            engine.store.saveNextLook(new NextLook(engine.files.folder(stored.names().get(0)), at, stored.notAfter()));
        }
    }

    private static NextLook look(Engine engine, String firstName) throws Exception {
        String folder = engine.files.folder(firstName);
        return engine.store.nextLooks(engine.files.certificatesFolder(), ALL, Integer.MAX_VALUE).stream()
                .filter(look -> look.folderKey().equals(folder)).findFirst().orElseThrow();
    }

    private static List<String> lookedAt(Engine engine) {
        return engine.manager.certificates().stream().filter(certificate -> certificate.state().last() != null)
                .map(ManagedCertificate::firstName).toList();
    }

    private static String name(int i) {
        return String.format("h%04d.test", i);
    }
}
