package dev.autotls.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.Lease;
import dev.autotls.spi.Locker;
import dev.autotls.spi.LostLeaseException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The lease and multi-key contract of {@link CertificateStore}, run against each store. Every
 * test opens two stores on the same place, as two instances of a site would.
 */
abstract class LeaseContract {
    /** Short leases, so that expiry takes a second instead of half a minute. */
    static final LeaseTimes SHORT = new LeaseTimes(Duration.ofMillis(1200), Duration.ofMillis(200));

    /** A new store on the shared place of this test (every call: another instance). */
    abstract CertificateStore open(LeaseTimes times) throws Exception;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aHeldLeaseIsRefusedToEveryoneElseAndTokensGrow() throws Exception {
        try (CertificateStore a = open(LeaseTimes.STANDARD); CertificateStore b = open(LeaseTimes.STANDARD)) {
            Lease first = a.locker().tryAcquire("locks/ca/certificates/a.test").orElseThrow();
            assertThat(b.locker().tryAcquire("locks/ca/certificates/a.test")).isEmpty();
            assertThat(a.locker().tryAcquire("locks/ca/certificates/a.test")).as("not re-entrant either").isEmpty();
            Lease other = b.locker().tryAcquire("locks/ca/certificates/b.test").orElseThrow();
            assertThat(other.token()).isGreaterThan(first.token());
            first.close();
            Lease again = b.locker().tryAcquire("locks/ca/certificates/a.test").orElseThrow();
            assertThat(again.token()).isGreaterThan(other.token());
            again.close();
            other.close();
        }
    }

    @Test
    void anExpiredLeaseIsTakenOverAndItsLateWritesAndReleaseAreRefused() throws Exception {
        try (CertificateStore crashed = open(SHORT); CertificateStore survivor = open(SHORT)) {
            Lease stale = crashed.locker().tryAcquire("locks/job").orElseThrow();
            ((HeldLease) stale).stopBeating(); // as when the process freezes: it wakes up later and tries to write
            Lease taken = survivor.locker().acquire("locks/job", Duration.ofSeconds(10));
            assertThat(taken.token()).isGreaterThan(stale.token());
            assertThat(stale.isHeld()).isFalse();

            assertThatThrownBy(() -> crashed.saveAll(List.of(new CertificateStore.Item("ca/x/meta.json", bytes("late"),
                    CertificateStore.Sensitivity.PUBLIC)), stale)).isInstanceOf(LostLeaseException.class);
            assertThat(survivor.load("ca/x/meta.json")).as("the fenced write left nothing").isEmpty();

            stale.close(); // release by a non-owner: must leave the new owner's lease alone
            assertThat(survivor.locker().tryAcquire("locks/job")).isEmpty();
            survivor.saveAll(List.of(new CertificateStore.Item("ca/x/meta.json", bytes("current"),
                    CertificateStore.Sensitivity.PUBLIC)), taken);
            assertThat(survivor.load("ca/x/meta.json")).hasValueSatisfying(v -> assertThat(new String(v, StandardCharsets.UTF_8))
                    .isEqualTo("current"));
            taken.close();
        }
    }

    @Test
    void theHeartbeatKeepsALeaseLongPastItsDuration() throws Exception {
        try (CertificateStore holder = open(SHORT); CertificateStore other = open(SHORT)) {
            Lease lease = holder.locker().tryAcquire("locks/long").orElseThrow();
            assertThatThrownBy(() -> other.locker().acquire("locks/long", SHORT.lease().multipliedBy(3)))
                    .isInstanceOf(Locker.LockTimeoutException.class);
            assertThat(lease.isHeld()).isTrue();
            lease.renew();
            lease.close();
            assertThat(lease.isHeld()).isFalse();
            assertThat(other.locker().tryAcquire("locks/long")).isPresent();
        }
    }

    @Test
    void saveAllWritesEveryKeyTogetherAndVersionsChange() throws Exception {
        try (CertificateStore a = open(LeaseTimes.STANDARD); CertificateStore b = open(LeaseTimes.STANDARD)) {
            Lease lease = a.locker().tryAcquire("locks/cert").orElseThrow();
            List<String> keys = List.of("ca/certificates/a.test/privkey.pem", "ca/certificates/a.test/fullchain.pem",
                    "ca/certificates/a.test/meta.json");
            a.saveAll(List.of(new CertificateStore.Item(keys.get(0), bytes("key 1"), CertificateStore.Sensitivity.SECRET),
                    new CertificateStore.Item(keys.get(1), bytes("chain 1"), CertificateStore.Sensitivity.PUBLIC),
                    new CertificateStore.Item(keys.get(2), bytes("meta 1"), CertificateStore.Sensitivity.PUBLIC)), lease);
            Map<String, Long> before = b.versions(keys);
            assertThat(before).containsOnlyKeys(keys);
            a.saveAll(List.of(new CertificateStore.Item(keys.get(0), bytes("key 2"), CertificateStore.Sensitivity.SECRET),
                    new CertificateStore.Item(keys.get(1), bytes("chain 2"), CertificateStore.Sensitivity.PUBLIC),
                    new CertificateStore.Item(keys.get(2), bytes("meta 2"), CertificateStore.Sensitivity.PUBLIC)), lease);
            Map<String, byte[]> read = b.loadAll(keys);
            assertThat(read.values()).extracting(v -> new String(v, StandardCharsets.UTF_8))
                    .containsExactly("key 2", "chain 2", "meta 2");
            assertThat(b.versions(keys).get(keys.get(2))).isNotEqualTo(before.get(keys.get(2)));
            assertThat(b.list("ca/certificates")).containsExactly("a.test");
            assertThat(b.list("ca/certificates/a.test")).containsExactly("fullchain.pem", "meta.json", "privkey.pem");
            assertThat(b.versions(List.of("ca/none"))).isEmpty();
            Optional<byte[]> missing = b.load("ca/certificates/none/meta.json");
            assertThat(missing).isEmpty();
            lease.close();
        }
    }
}
