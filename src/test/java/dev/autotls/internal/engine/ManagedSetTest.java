package dev.autotls.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.CertificateStatus;
import dev.autotls.ConfigurationException;
import dev.autotls.internal.store.ManagedNames;
import dev.autotls.internal.store.ManagedNamesFile;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.spi.OwnerActionException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Names managed at run time over the engine's fakes: the set in the store, its version, sharing, retiring and cleanup. */
class ManagedSetTest {
    private static final Duration SYNC = Duration.ofSeconds(10);

    private static CompletableFuture<List<CertificateStatus>> manage(Engine engine, String... names) {
        return engine.set.manage(List.of(names)).toCompletableFuture();
    }

    private static ManagedNames stored(Engine engine) throws Exception {
        return new ManagedNamesFile(engine.store).load();
    }

    @Test
    void aNameManagedAtRunTimeIsOrderedServedAndItsStageCompletesWithItsStatus() throws Exception {
        Engine engine = new Engine().certificate("conf.test").start();
        engine.runDue();

        CompletableFuture<List<CertificateStatus>> stage = manage(engine, "new.test");
        assertThat(stage).as("nothing served from the CA yet").isNotDone();
        assertThat(stored(engine).names()).as("in the store before the order").containsExactly("new.test");
        assertThat(stored(engine).version()).isEqualTo(1);
        engine.runDue();

        assertThat(stage).isCompleted();
        assertThat(stage.join()).singleElement().satisfies(status -> {
            assertThat(status.names()).containsExactly("new.test");
            assertThat(status.origins()).containsEntry("new.test", CertificateStatus.Origin.MANAGED);
            assertThat(status.source()).isEqualTo(CertificateStatus.Source.CA);
        });
        assertThat(engine.servesIssued("new.test")).isTrue();
        assertThat(engine.set.names()).containsExactly("conf.test", "new.test");
        assertThat(engine.set.origin("conf.test")).isEqualTo(CertificateStatus.Origin.CONFIGURED);
    }

    @Test
    void aNameAndItsWildcardShareOneCertificateWhicheverWayEachCame() throws Exception {
        Engine engine = new Engine().certificate("w.test").start();
        engine.runDue();

        CompletableFuture<List<CertificateStatus>> stage = manage(engine, "*.w.test");
        engine.runDue();

        assertThat(engine.manager.certificates()).singleElement().satisfies(c -> {
            assertThat(c.names).containsExactly("w.test", "*.w.test");
            assertThat(c.origins).containsEntry("w.test", CertificateStatus.Origin.CONFIGURED)
                    .containsEntry("*.w.test", CertificateStatus.Origin.MANAGED);
        });
        assertThat(engine.issuer().orders).as("the stored one lacks the wildcard: one order for both")
                .containsExactly(List.of("w.test"), List.of("w.test", "*.w.test"));
        assertThat(stage.join()).hasSize(1);
        assertThat(engine.servesIssued("x.w.test")).isTrue();
    }

    @Test
    void aFailedOrderCompletesTheStageWithItsSentenceAndTheNameStaysManaged() throws Exception {
        Engine engine = new Engine().certificate("conf2.test").start();
        engine.runDue();
        engine.issuer().failNext(new OwnerActionException("add the record _validation-persist.fail.test once", null));

        CompletableFuture<List<CertificateStatus>> stage = manage(engine, "fail.test");
        engine.runDue();

        assertThatThrownBy(stage::join).isInstanceOf(CompletionException.class).cause()
                .isInstanceOf(OwnerActionException.class).hasMessageContaining("_validation-persist.fail.test");
        assertThat(engine.set.names()).contains("fail.test");
        engine.advance(Duration.ofHours(2)); // the back-off: tried again
        assertThat(engine.servesIssued("fail.test")).isTrue();
    }

    @Test
    void anotherInstanceManagesTheSameSetWithinTheSyncIntervalWithoutAnOrder() throws Exception {
        Engine a = new Engine().certificate("site.test").start();
        a.runDue();
        Engine b = a.sibling().certificate("site.test").start();
        b.runDue();

        manage(a, "shared.test");
        a.runDue();
        assertThat(b.registry.lookup("shared.test")).as("not before its next look").isEmpty();

        a.clock.advance(SYNC);
        b.runDue();

        assertThat(b.set.names()).contains("shared.test");
        assertThat(b.servesIssued("shared.test")).isTrue();
        assertThat(b.served("shared.test").getSerialNumber()).isEqualTo(a.served("shared.test").getSerialNumber());
        b.advance(CertificateManager.START_SPREAD);
        assertThat(b.issuer().orders).as("B placed only the configured name's... none: A's store had it").isEmpty();
        assertThat(a.issuer().orders).containsExactly(List.of("site.test"), List.of("shared.test"));
    }

    @Test
    void aSetThatCouldNotBeReadIsReadAgainAtTheNextLook() throws Exception {
        Engine a = new Engine().certificate("site.test").start();
        Engine b = a.sibling().certificate("site.test").start();
        manage(a, "later.test");
        a.store.failLoads(StorageKeys.MANAGED_NAMES, 1); // its version is read, the set itself not

        b.manager.syncNow();
        assertThat(b.set.names()).as("the set could not be read").doesNotContain("later.test");
        b.manager.syncNow();
        assertThat(b.set.names()).as("its version is not taken as seen: read again").contains("later.test");
    }

    @Test
    void unmanagedOnOneInstanceStopsServingOnAllAndManagingAgainPlacesNoOrder() throws Exception {
        Engine a = new Engine().certificate("a.site.test").start();
        Engine b = a.sibling().certificate("a.site.test").start();
        manage(a, "gone.test");
        a.runDue();
        a.clock.advance(SYNC);
        b.runDue();
        assertThat(b.servesIssued("gone.test")).isTrue();

        b.set.unmanage(List.of("gone.test"));
        assertThat(b.registry.lookup("gone.test")).as("at once where it was unmanaged").isEmpty();
        a.clock.advance(SYNC);
        a.runDue();
        assertThat(a.registry.lookup("gone.test")).as("within the sync interval elsewhere").isEmpty();
        assertThat(stored(a).retired()).extracting(ManagedNames.Retired::firstName).containsExactly("gone.test");
        assertThat(a.stored("gone.test")).as("its files stay until they expire").isPresent();

        int orders = a.issuer().orders.size();
        CompletableFuture<List<CertificateStatus>> again = manage(a, "gone.test");
        assertThat(again).as("the stored certificate is served at once").isCompleted();
        a.advance(CertificateManager.START_SPREAD);
        assertThat(a.issuer().orders).as("no new order").hasSize(orders);
        assertThat(stored(a).retired()).as("no longer waiting for deletion").isEmpty();
    }

    /** Whether the store keeps a next look for the certificate {@code firstName}. */
    private static boolean lookKept(Engine engine, String firstName) throws Exception {
        return engine.store.nextLooks(engine.files.certificatesFolder(), KeptLooks.ALL, Integer.MAX_VALUE).stream()
                .anyMatch(look -> look.folderKey().equals(engine.files.folder(firstName)));
    }

    @Test
    void unmanagingACertificateForgetsItsNextLookThoughItsFilesStay() throws Exception {
        Engine engine = new Engine().certificate("stay.test").start();
        manage(engine, "old.test");
        engine.runDue();
        assertThat(lookKept(engine, "old.test")).as("its first job kept its next look").isTrue();

        engine.set.unmanage(List.of("old.test"));

        assertThat(lookKept(engine, "old.test")).as("no planner is to poll it any more").isFalse();
        assertThat(engine.stored("old.test")).as("kept until it expires").isPresent();
        assertThat(lookKept(engine, "stay.test")).isTrue();
    }

    @Test
    void anExpiredUnmanagedCertificateIsDeletedFromTheStoreByTheSyncJob() throws Exception {
        Engine engine = new Engine().certificate("stay.test").start();
        manage(engine, "old.test");
        engine.runDue();
        engine.set.unmanage(List.of("old.test"));
        engine.advance(Duration.ofDays(30));
        assertThat(engine.stored("old.test")).as("not expired yet").isPresent();

        engine.advance(Duration.ofDays(61)); // past its 90 days

        assertThat(engine.stored("old.test")).isEmpty();
        assertThat(engine.store.load(StorageKeys.certificate("ca/fake", "old.test", StorageKeys.PRIVATE_KEY))).isEmpty();
        assertThat(stored(engine).retired()).isEmpty();
        assertThat(engine.stored("stay.test")).as("a managed one stays").isPresent();
    }

    @Test
    void aRetiredCertificateWhoseStoredFilesWereRenewedMeanwhileIsKeptUntilTheyExpire() throws Exception {
        Engine engine = new Engine().certificate("stay.test").start();
        manage(engine, "late.test");
        engine.runDue();
        engine.set.unmanage(List.of("late.test"));
        engine.clock.advance(Duration.ofDays(30));
        // an order that ran while it was unmanaged stores a later certificate, under the certificate's lease
        dev.autotls.internal.acme.IssuedCertificate issued = engine.issuer().obtain(List.of("late.test"), Engine.STRATEGY,
                dev.autotls.internal.tls.KeyType.EC256, java.util.Optional.empty());
        try (dev.autotls.spi.Lease lease = engine.store.tryAcquire(engine.files.lockName("late.test")).orElseThrow()) {
            engine.files.save(new dev.autotls.internal.store.StoredCertificate(issued.names(), issued.keyPair(), issued.chain(),
                    engine.clock.instant()), lease);
        }

        engine.advance(Duration.ofDays(61)); // past the first certificate's 90 days, within the later one's

        assertThat(engine.stored("late.test")).as("the later certificate is kept").isPresent();
        assertThat(stored(engine).retired()).singleElement().satisfies(r -> assertThat(r.until())
                .isEqualTo(engine.stored("late.test").orElseThrow().notAfter()));
        engine.advance(Duration.ofDays(30));
        assertThat(engine.stored("late.test")).as("deleted once it expired too").isEmpty();
    }

    @Test
    void aRetiredCertificateManagedAgainOnAnotherInstanceIsNeverDeleted() throws Exception {
        Engine a = new Engine().certificate("stay.test").start();
        Engine b = a.sibling().certificate("stay.test").start();
        manage(a, "back.test");
        a.runDue();
        a.set.unmanage(List.of("back.test"));
        b.set.admitOnDemand(List.of("back.test"), dev.autotls.internal.config.RateLimit.parse("10/1m")); // managed again, elsewhere

        a.clock.advance(Duration.ofDays(91)); // the stored files expired; A has not looked at the set since
        a.set.tidy();

        assertThat(a.stored("back.test")).as("in use by the instance that manages it again").isPresent();
        assertThat(stored(a).names()).contains("back.test");
        assertThat(stored(a).retired()).isEmpty();
    }

    @Test
    void aConfiguredNameCannotBeUnmanagedAndABadNameIsRefusedBeforeAnyWrite() throws Exception {
        Engine engine = new Engine().certificate("fixed.test").start();

        assertThatThrownBy(() -> engine.set.unmanage(List.of("fixed.test"))).isInstanceOf(ConfigurationException.class)
                .hasMessage("fixed.test is in autotls.domains, and configured names are always managed; remove it from "
                        + "autotls.domains on every instance and restart");
        assertThatThrownBy(() -> RunTimeNames.canonical(List.of("bad_name.test"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'bad_name.test' has an invalid label 'bad_name'").hasMessageEndingWith("*.example.com");
        assertThat(engine.store.load(StorageKeys.MANAGED_NAMES)).isEmpty();
    }

    @Test
    void aRestartManagesTheStoredSetAgainAndServesWhatIsStoredWithoutAnOrder() throws Exception {
        Engine first = new Engine().certificate("boot.test").start();
        manage(first, "kept.test");
        first.runDue();
        first.manager.stop();

        Engine restarted = first.sibling().certificate("boot.test").start();
        restarted.advance(CertificateManager.START_SPREAD);

        assertThat(restarted.set.names()).containsExactly("boot.test", "kept.test");
        assertThat(restarted.servesIssued("kept.test")).isTrue();
        assertThat(restarted.issuer().orders).isEmpty();
    }

    @Test
    void aStoreThatCannotBeWrittenFailsTheStageAndChangesNothing() throws Exception {
        Engine engine = new Engine().certificate("down.test").start();
        engine.store.down(true);

        CompletableFuture<List<CertificateStatus>> stage = manage(engine, "never.test");

        assertThatThrownBy(stage::join).cause().isInstanceOf(dev.autotls.spi.StorageException.class)
                .hasMessageContaining("could not add never.test");
        assertThat(engine.set.names()).containsExactly("down.test");
        assertThatThrownBy(() -> engine.set.unmanage(List.of("never.test"))).isInstanceOf(dev.autotls.spi.StorageException.class);
    }

    @Test
    void aNameUnmanagedWhileItsStageWaitsFailsTheStage() throws Exception {
        Engine engine = new Engine().certificate("w2.test").start();
        CompletableFuture<List<CertificateStatus>> stage = manage(engine, "brief.test");

        engine.set.unmanage(List.of("brief.test"));

        assertThatThrownBy(stage::join).cause().isInstanceOf(OwnerActionException.class)
                .hasMessage("brief.test was unmanaged before its certificate was served; manage it again to obtain it");
    }

    @Test
    void theStageTheApplicationSeesCompletesOutsideTheEngineLocks() throws Exception {
        Engine engine = new Engine().certificate("w3.test").start();
        java.util.concurrent.CompletableFuture<String> seen = new java.util.concurrent.CompletableFuture<>();
        RunTimeNames.outsideEngine(engine.set.manage(List.of("brief2.test"))).whenComplete((statuses, failure) ->
                seen.complete(Thread.currentThread().getName() + (Thread.holdsLock(engine.set) ? " inside the set's lock" : "")
                        + " " + failure.getMessage()));

        engine.set.unmanage(List.of("brief2.test")); // fails the stage from inside the set's change

        assertThat(seen.get(10, java.util.concurrent.TimeUnit.SECONDS)).startsWith("autotls-manage-callbacks-")
                .doesNotContain("inside").endsWith("brief2.test was unmanaged before its certificate was served; manage it again to obtain it");
    }

    @Test
    void aSetThatWentBackToALowerVersionIsManagedAsItIsNowOnEveryInstance() throws Exception {
        Engine a = new Engine().certificate("site.test").start();
        Engine b = a.sibling().certificate("site.test").start();
        manage(a, "one.test");
        manage(a, "two.test");
        b.manager.syncNow();
        assertThat(b.set.names()).contains("one.test", "two.test");
        a.store.delete(StorageKeys.MANAGED_NAMES); // restored from a backup that predates the set

        CompletableFuture<List<CertificateStatus>> stage = manage(a, "three.test");

        assertThat(stored(a).version()).as("written afresh, below what A had applied").isEqualTo(1);
        assertThat(a.set.names()).as("what was read under the lease is applied").containsExactly("site.test", "three.test");
        a.runDue();
        assertThat(stage.join()).singleElement().satisfies(status -> assertThat(status.names()).containsExactly("three.test"));
        b.manager.syncNow();
        assertThat(b.set.names()).as("the other instance takes the lower version as a reset")
                .containsExactly("site.test", "three.test");
    }
}
