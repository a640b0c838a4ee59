package dev.autotls.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.internal.tls.KeyType;
import dev.autotls.spi.CertificateStore;
import dev.autotls.testing.StoredSite;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folder to folder: what {@code migrate-storage} copies, what it leaves alone and what it refuses. */
class StoreMigrationTest {
    private static final String CA = "ca.test_14000-dir";
    private static final URI ACME_DNS = URI.create("https://auth.test/");
    private static final String ACCOUNT_URL = "https://ca.test:14000/my-account/1";

    @TempDir
    Path dir;
    private FileCertificateStore source;
    private FileCertificateStore target;

    @BeforeEach
    void openStores() throws Exception {
        source = new FileCertificateStore(dir.resolve("source"));
        target = new FileCertificateStore(dir.resolve("target"));
    }

    @AfterEach
    void closeStores() {
        source.close();
        target.close();
    }

    /** An account, a wildcard certificate and its acme-dns registration, as one instance leaves them. */
    private List<String> site() throws Exception {
        StoredSite.account(source, CA, ACCOUNT_URL);
        StoredSite.certificate(source, CA, List.of("a.test", "*.a.test"), Clock.systemUTC());
        String registration = StoredSite.registration(source, ACME_DNS, "a.test", "0f3c2a.auth.test");
        return List.of(StorageKeys.account(CA, StorageKeys.ACCOUNT_KEY), StorageKeys.account(CA, StorageKeys.ACCOUNT_INFO),
                StorageKeys.certificate(CA, "a.test", StorageKeys.PRIVATE_KEY),
                StorageKeys.certificate(CA, "a.test", StorageKeys.FULL_CHAIN),
                StorageKeys.certificate(CA, "a.test", StorageKeys.METADATA), registration);
    }

    @Test
    void copiesAccountCertificateAndRegistrationWithSecretsOwnerOnly() throws Exception {
        List<String> keys = site();
        MigrationReport report = StoreMigration.copy(source, target);

        assertThat(report.count(MigrationReport.Outcome.COPIED)).isEqualTo(3);
        assertThat(report.itemsWritten()).isEqualTo(6);
        for (String key : keys) {
            assertThat(target.load(key).orElseThrow()).as(key).isEqualTo(source.load(key).orElseThrow());
        }
        assertThat(new CertificateFiles(target, CA).load("a.test").orElseThrow().leaf())
                .isEqualTo(new CertificateFiles(source, CA).load("a.test").orElseThrow().leaf());
        assertThat(report.lines()).extracting(Object::toString).anyMatch(line -> line.startsWith("copied: the account of " + CA)
                && line.contains(ACCOUNT_URL));
        for (String secret : List.of(keys.get(0), keys.get(2), keys.get(5))) {
            assertThat(permissions(target.root().resolve(secret))).as(secret).isEqualTo("rw-------");
        }
        try (Stream<Path> all = Files.walk(target.root())) {
            assertThat(all.filter(Files::isDirectory).map(StoreMigrationTest::permissions)).containsOnly("rwx------");
        }
    }

    @Test
    void secondRunWritesNothingAndChangesNoVersion() throws Exception {
        List<String> keys = site();
        StoreMigration.copy(source, target);
        Map<String, Long> versions = target.versions(keys);

        MigrationReport again = StoreMigration.copy(source, target);

        assertThat(again.itemsWritten()).isZero();
        assertThat(again.count(MigrationReport.Outcome.ALREADY_THERE)).isEqualTo(3);
        assertThat(again.lines()).extracting(Object::toString).allMatch(line -> line.startsWith("already there: "));
        assertThat(again.summary("from", "to")).startsWith("Nothing to write");
        assertThat(target.versions(keys)).isEqualTo(versions).hasSize(6);
    }

    @Test
    void refusesAnotherAccountAndLeavesTheTargetUntouched() throws Exception {
        site();
        StoredSite.account(target, CA, "https://ca.test:14000/my-account/2");
        Map<String, String> before = contents(target.root());

        assertThatThrownBy(() -> StoreMigration.copy(source, target)).isInstanceOf(MigrationRefusedException.class)
                .hasMessageStartingWith(CA + ": the target " + target.describe() + " already holds another ACME account")
                .hasMessageContaining("target: https://ca.test:14000/my-account/2")
                .hasMessageContaining("source: " + ACCOUNT_URL)
                .hasMessageContaining("nothing was copied");

        assertThat(contents(target.root())).isEqualTo(before);
        assertThat(target.load(StorageKeys.certificate(CA, "a.test", StorageKeys.FULL_CHAIN))).isEmpty();
    }

    @Test
    void refusesAnotherAccountKeyUnderTheSameUrl() throws Exception {
        site();
        target.save(StorageKeys.account(CA, StorageKeys.ACCOUNT_KEY), Pem.encodeKeyPair(KeyType.EC256.generate()),
                CertificateStore.Sensitivity.SECRET);

        assertThatThrownBy(() -> StoreMigration.copy(source, target)).isInstanceOf(MigrationRefusedException.class)
                .hasMessageContaining("with another account key");
    }

    @Test
    void completesAnAccountTheTargetHasOnlyTheKeyOf() throws Exception {
        List<String> keys = site();
        byte[] key = source.load(keys.get(0)).orElseThrow();
        target.save(keys.get(0), key, CertificateStore.Sensitivity.SECRET);

        MigrationReport report = StoreMigration.copy(source, target);

        assertThat(report.itemsWritten()).as("account.json, the certificate's three files, the registration").isEqualTo(5);
        assertThat(target.load(keys.get(1)).orElseThrow()).isEqualTo(source.load(keys.get(1)).orElseThrow());
    }

    @Test
    void refusesAnotherAcmeDnsRegistrationWithoutShowingItsPassword() throws Exception {
        site();
        String key = StoredSite.registration(target, ACME_DNS, "a.test", "77aa01.auth.test");
        Map<String, String> before = contents(target.root());

        assertThatThrownBy(() -> StoreMigration.copy(source, target)).isInstanceOf(MigrationRefusedException.class)
                .hasMessageStartingWith(key + ": the target")
                .hasMessageContaining("target: 77aa01.auth.test, source: 0f3c2a.auth.test")
                .hasMessageContaining("the CNAME _acme-challenge.a.test points at exactly one")
                .hasMessageNotContaining("acme-dns-secret");
        assertThat(contents(target.root())).isEqualTo(before);
    }

    @Test
    void keepsWhicheverCertificateExpiresLater() throws Exception {
        site();
        String chain = StorageKeys.certificate(CA, "a.test", StorageKeys.FULL_CHAIN);
        Instant now = Instant.now();
        StoredSite.certificate(target, CA, List.of("a.test", "*.a.test"), Clock.fixed(now.plus(Duration.ofDays(1)), ZoneOffset.UTC));
        byte[] later = target.load(chain).orElseThrow();

        MigrationReport kept = StoreMigration.copy(source, target);
        assertThat(kept.count(MigrationReport.Outcome.KEPT_TARGET)).isEqualTo(1);
        assertThat(target.load(chain).orElseThrow()).isEqualTo(later);

        StoredSite.certificate(target, CA, List.of("a.test"), Clock.fixed(now.minus(Duration.ofDays(1)), ZoneOffset.UTC));
        MigrationReport replaced = StoreMigration.copy(source, target);
        assertThat(replaced.lines()).extracting(Object::toString)
                .anyMatch(line -> line.startsWith("copied: the certificate " + CA + "/certificates/a.test")
                        && line.contains("replaces the target's, which expires sooner"));
        assertThat(target.load(chain).orElseThrow()).isEqualTo(source.load(chain).orElseThrow());
    }

    @Test
    void leavesOutAnUnusableSourceCertificateAndCopiesTheRest() throws Exception {
        site();
        String privateKey = StorageKeys.certificate(CA, "a.test", StorageKeys.PRIVATE_KEY);
        source.save(privateKey, Pem.encodeKeyPair(KeyType.EC256.generate()), CertificateStore.Sensitivity.SECRET);

        MigrationReport report = StoreMigration.copy(source, target);

        assertThat(report.lines()).extracting(Object::toString).anyMatch(line -> line.startsWith("left out: the certificate")
                && line.contains("does not belong to the certificate"));
        assertThat(report.count(MigrationReport.Outcome.COPIED)).isEqualTo(2);
        assertThat(target.load(privateKey)).isEmpty();
    }

    @Test
    void leavesOutWhatIsNotPartOfTheLayoutAndCopiesTheRest() throws Exception {
        site();
        Files.createDirectory(source.root().resolve("lost+found"));
        Files.writeString(source.root().resolve(CA).resolve("notes.txt"), "kept by hand");
        Files.createDirectories(source.root().resolve(CA).resolve("certificates/old copy"));

        MigrationReport report = StoreMigration.copy(source, target);

        assertThat(report.lines()).extracting(Object::toString).contains(
                "left out: lost+found (not part of the layout migrate-storage copies)",
                "left out: " + CA + "/notes.txt (not part of the layout migrate-storage copies)",
                "left out: " + CA + "/certificates/old copy (not part of the layout migrate-storage copies)");
        assertThat(report.count(MigrationReport.Outcome.COPIED)).isEqualTo(3);
    }

    @Test
    void waitsForAnotherMigrationsLeaseAndWritesNothingWithoutIt() throws Exception {
        site();
        try (var other = target.locker().tryAcquire(StorageKeys.MIGRATION_LEASE).orElseThrow()) {
            assertThatThrownBy(() -> StoreMigration.copy(source, target, Duration.ZERO)).isInstanceOf(java.io.IOException.class)
                    .hasMessageContaining("another migrate-storage into " + target.describe());
        }
        assertThat(contents(target.root())).isEmpty();
        assertThat(StoreMigration.copy(source, target, Duration.ZERO).itemsWritten()).as("once it is released").isEqualTo(6);
    }

    @Test
    void copiesTheNamesManagedAtRunTimeAndASecondRunWritesThemNoMore() throws Exception {
        site();
        Instant admitted = Instant.parse("2026-12-01T00:00:00Z");
        new ManagedNamesFile(source).update(set -> set.with(List.of("shop.test", "blog.test"), List.of())
                .withOnDemand(List.of("customer.test"), admitted), Duration.ofSeconds(5));

        MigrationReport report = StoreMigration.copy(source, target);

        ManagedNames copied = new ManagedNamesFile(target).load();
        assertThat(copied.names()).containsExactly("shop.test", "blog.test", "customer.test");
        assertThat(copied.isOnDemand("customer.test")).isTrue();
        assertThat(report.lines()).extracting(Object::toString)
                .contains("copied: the names managed at run time (" + StorageKeys.MANAGED_NAMES + ") (3 names)")
                .noneMatch(line -> line.startsWith("left out: managed"));
        long version = target.versions(List.of(StorageKeys.MANAGED_NAMES)).get(StorageKeys.MANAGED_NAMES);

        assertThat(StoreMigration.copy(source, target).itemsWritten()).isZero();
        assertThat(target.versions(List.of(StorageKeys.MANAGED_NAMES)).get(StorageKeys.MANAGED_NAMES)).isEqualTo(version);
    }

    @Test
    void addsTheSourcesManagedNamesToASetTheTargetHoldsAlready() throws Exception {
        new ManagedNamesFile(source).update(set -> set.with(List.of("shop.test", "both.test"), List.of()), Duration.ofSeconds(5));
        ManagedNamesFile targetSet = new ManagedNamesFile(target);
        targetSet.update(set -> set.with(List.of("both.test"), List.of()), Duration.ofSeconds(5));
        targetSet.update(set -> set.with(List.of("other.test"), List.of()), Duration.ofSeconds(5));
        targetSet.update(set -> set.with(List.of("third.test"), List.of()), Duration.ofSeconds(5));

        StoreMigration.copy(source, target);

        ManagedNames merged = targetSet.load();
        assertThat(merged.names()).as("the target keeps its own, and gains the source's")
                .containsExactly("both.test", "other.test", "third.test", "shop.test");
        assertThat(merged.version()).as("above both, so the target's instances read it again").isEqualTo(4);
        assertThat(StoreMigration.copy(source, target).itemsWritten()).isZero();
    }

    @Test
    void anEmptyFolderHoldsNothingToCopy() throws Exception {
        MigrationReport report = StoreMigration.copy(source, target);
        assertThat(report.foundAnything()).isFalse();
        assertThat(report.itemsWritten()).isZero();
    }

    private static String permissions(Path path) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every stored file (not the store's own dot files: locks, journal) with its bytes. */
    private static Map<String, String> contents(Path root) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path file : all.filter(Files::isRegularFile).toList()) {
                Path relative = root.relativize(file);
                boolean hidden = false;
                for (Path part : relative) {
                    hidden |= part.toString().startsWith(".");
                }
                if (!hidden) {
                    files.put(relative.toString(), HexFormat.of().formatHex(Files.readAllBytes(file)) + " "
                            + permissions(file));
                }
            }
        }
        return files;
    }
}
