package dev.autotls.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.CertificateStatus;
import dev.autotls.internal.store.StorageKeys;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Certificates served from the store as handshakes ask for them: a start reads only the fallback, each
 * other certificate is read when first asked for (and again only after the cache evicted it), the state
 * keeps the facts and not the certificate (except while it could not be saved), and maintenance reads
 * the certificate itself from the store when it needs more than its facts.
 */
class LazyServingTest {
    private static final List<String> NAMES = List.of("one.test", "two.test", "three.test");

    /** How often the store's copy of the certificate {@code firstName} was read (its metadata is read with all of it). */
    private static int reads(Engine engine, String firstName) {
        AtomicInteger count = engine.store.reads.get(engine.files.versionKey(firstName));
        return count == null ? 0 : count.get();
    }

    /** An engine that obtained and stored a certificate for each of {@link #NAMES}. */
    private static Engine storedSite() {
        Engine first = new Engine();
        NAMES.forEach(first::certificate);
        first.start().runDue();
        return first;
    }

    /** Another instance of {@code site}'s store, built but not started: nothing of it read yet. */
    private static Engine restarted(Engine site) {
        Engine again = site.sibling();
        NAMES.forEach(again::certificate);
        return again.build();
    }

    @Test
    void aStartReadsOnlyTheFallbackAndEachOtherCertificateWhenFirstAskedFor() {
        Engine site = storedSite();
        Engine restarted = restarted(site);
        Map<String, Integer> before = new HashMap<>();
        NAMES.forEach(name -> before.put(name, reads(restarted, name)));

        restarted.manager.serveStored(Runnable::run); // as AutoTls does at start, before any job runs

        assertThat(reads(restarted, "one.test") - before.get("one.test")).as("the fallback, for handshakes without SNI")
                .isEqualTo(1);
        assertThat(reads(restarted, "two.test")).isEqualTo(before.get("two.test"));
        assertThat(restarted.registry.fallback().orElseThrow().leaf()).isEqualTo(site.served("one.test"));
        assertThat(restarted.managed("two.test").state().stored()).as("listed, not read")
                .isEqualTo(CertificateState.Stored.LISTED);

        assertThat(restarted.served("two.test")).isEqualTo(site.served("two.test"));
        assertThat(restarted.served("two.test")).isEqualTo(site.served("two.test"));
        assertThat(reads(restarted, "two.test") - before.get("two.test")).as("read once, then from memory").isEqualTo(1);
        assertThat(restarted.registry.inMemory("three.test")).as("never asked for: never decoded").isEmpty();
        CertificateState learnt = restarted.managed("two.test").state();
        assertThat(learnt.current().serial()).isEqualTo(site.servedSerial("two.test"));
        assertThat(learnt.unsaved()).as("the state keeps facts, not the certificate").isNull();
    }

    /** How often the key of the certificate {@code firstName} was read: only a full read (to serve or renew it) reads it. */
    private static int keyReads(Engine engine, String firstName) {
        AtomicInteger count = engine.store.reads.get(StorageKeys.certificate("ca/fake", StorageKeys.certificateName(firstName),
                StorageKeys.PRIVATE_KEY));
        return count == null ? 0 : count.get();
    }

    @Test
    void aRestartReadsNothingOfHealthyCertificatesAndAsksTheCaNothingTillTheirKeptLooks() {
        Engine site = storedSite();
        Engine restarted = restarted(site);
        int keyReadsBefore = keyReads(restarted, "three.test");
        restarted.manager.start(restarted.scheduler, Runnable::run);

        restarted.runDue();

        assertThat(keyReads(restarted, "three.test")).as("its key is not read before something needs it").isEqualTo(keyReadsBefore);
        assertThat(restarted.issuer().orders).isEmpty();
        assertThat(restarted.issuer().windowRequests.get()).as("each waits for the look its last run kept").isZero();
        assertThat(restarted.managed("three.test").state().stored()).as("listed, not read").isEqualTo(CertificateState.Stored.LISTED);

        assertThat(restarted.served("three.test")).as("a handshake reads it").isEqualTo(site.served("three.test"));
        CertificateState learnt = restarted.managed("three.test").state();
        assertThat(learnt.current().serial()).isEqualTo(site.servedSerial("three.test"));
        assertThat(learnt.current().issuer()).as("for status").isNotNull();
        assertThat(learnt.source()).isEqualTo(CertificateStatus.Source.STORED);
    }

    @Test
    void aRestartedEngineReportsCertificatesItHasNotReadAsStoredUntilTheKeptExpiryAndHealthy() {
        Engine site = storedSite();
        Engine restarted = restarted(site);
        restarted.manager.start(restarted.scheduler, Runnable::run);
        restarted.runDue();
        ManagedCertificate three = restarted.managed("three.test");
        assertThat(three.state().current()).as("not read: no handshake, its first look weeks away").isNull();

        CertificateStatus status = dev.autotls.internal.ops.StatusView.of(three, restarted.clock.instant());

        assertThat(status.source()).isEqualTo(CertificateStatus.Source.STORED);
        assertThat(status.notAfter()).as("the expiry kept with its next look")
                .isEqualTo(site.served("three.test").getNotAfter().toInstant());
        assertThat(dev.autotls.internal.ops.ManagementHandler.problems(List.of(status), restarted.clock.instant()))
                .as("health: not the temporary certificate, far from expiry").isEmpty();
    }

    @Test
    void aRenewalAfterARestartReplacesTheCertificateReadFromTheStore() {
        Engine site = storedSite();
        X509Certificate old = site.served("two.test");
        Engine restarted = restarted(site);
        restarted.manager.start(restarted.scheduler, Runnable::run);
        restarted.runDue();

        restarted.manager.renewNow("two.test");
        restarted.runDue();

        assertThat(restarted.issuer().replaced).as("ARI's replaces, though the state kept only facts")
                .containsExactly(Optional.of(old));
        assertThat(restarted.servedSerial("two.test")).isNotEqualTo(old.getSerialNumber());
    }

    @Test
    void aCertificateThatCouldNotBeSavedIsServedFromMemoryUntilItIsSaved() throws Exception {
        Engine engine = new Engine().certificate("unsaved.test");
        engine.store.failSaves(1);
        engine.start().runDue();

        CertificateState state = engine.managed("unsaved.test").state();
        assertThat(state.saved()).isFalse();
        assertThat(engine.stored("unsaved.test")).isEmpty();
        engine.registry.forget("unsaved.test"); // as an eviction would
        assertThat(engine.servedSerial("unsaved.test")).as("from memory: the store has no copy")
                .isEqualTo(state.unsaved().leaf().getSerialNumber());

        engine.advance(Duration.ofSeconds(6)); // saved again soon
        assertThat(engine.managed("unsaved.test").state().unsaved()).as("stored now: read from the store when needed").isNull();
        assertThat(engine.stored("unsaved.test").orElseThrow().leaf().getSerialNumber()).isEqualTo(state.current().serial());
    }

    @Test
    void aNameWithNothingStoredGetsATemporaryCertificateWithoutAReadOnceTheStoreWasListed() {
        Engine engine = new Engine().certificate("first.test").certificate("new.test").build();
        engine.manager.serveStored(Runnable::run);

        assertThat(engine.registry.lookup("new.test").orElseThrow().selfSigned()).isTrue();
        assertThat(reads(engine, "new.test")).as("listed as absent: nothing to read").isZero();
    }

    @Test
    void anotherInstancesRenewalChangesTheFactsAndIsDecodedOnlyWhereMemoryHeldTheOldOne() {
        Engine site = storedSite();
        Engine other = restarted(site);
        other.manager.start(other.scheduler, Runnable::run);
        other.runDue();
        other.served("one.test"); // in memory: the fallback, asked for
        assertThat(other.registry.inMemory("three.test")).isEmpty();
        other.manager.syncNow(); // the first look: versions seen, nothing read of what was never read

        site.clock.advance(Duration.ofHours(1)); // the renewals last longer: newer
        site.manager.renewNow("one.test");
        site.manager.renewNow("three.test");
        site.runDue();
        other.manager.syncNow();

        assertThat(other.managed("three.test").state().current().serial()).isEqualTo(site.servedSerial("three.test"));
        assertThat(other.registry.inMemory("three.test")).as("nobody asked for it: not decoded into memory").isEmpty();
        assertThat(other.registry.inMemory("one.test").orElseThrow().leaf().getSerialNumber())
                .as("replaced where memory held it").isEqualTo(site.servedSerial("one.test"));
        assertThat(other.servedSerial("three.test")).isEqualTo(site.servedSerial("three.test"));
    }

    @Test
    void aCacheSmallerThanTheSiteServesEveryNameReadingEachAgainOnlyAfterItsEviction() {
        Engine site = storedSite();
        Engine small = site.sibling().cacheSize(1);
        NAMES.forEach(small::certificate);
        small.build();
        Map<String, AtomicInteger> evicted = new ConcurrentHashMap<>();
        small.registry.evictions(name -> evicted.computeIfAbsent(name, key -> new AtomicInteger()).incrementAndGet());
        small.manager.serveStored(Runnable::run);
        Map<String, Integer> before = new HashMap<>();
        NAMES.forEach(name -> before.put(name, reads(small, name)));

        for (int round = 0; round < 4; round++) {
            for (String name : NAMES) {
                BigInteger served = small.servedSerial(name);
                assertThat(served).isEqualTo(site.servedSerial(name));
                small.registry.tidyCache();
            }
        }

        for (String name : NAMES) {
            int readsNow = reads(small, name) - before.get(name);
            int evictions = evicted.getOrDefault(name, new AtomicInteger()).get();
            assertThat(readsNow).as("reads of %s against its evictions", name).isLessThanOrEqualTo(evictions + 1).isPositive();
        }
    }
}
