package dev.autotls.internal.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autotls.internal.store.MigrationLayout.Group;
import dev.autotls.spi.CertificateStore.Item;
import dev.autotls.spi.CertificateStore.Sensitivity;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.Lease;
import dev.autotls.spi.Locker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Copies a site's lasting state from one {@link CertificateStore} into another (a folder into
 * PostgreSQL, or into another folder): per CA folder the ACME account (key and URL) and the
 * certificates, every acme-dns registration, and the names managed at run time. The account URL and the registrations are
 * what the owner's DNS records name, so after the copy every dns-persist-01 record and every
 * acme-dns CNAME keeps working for the instances that use the target.
 *
 * <p>Contract:
 * <ul>
 * <li>The source is only read, in one {@link CertificateStore#loadAll snapshot}.</li>
 * <li>Everything is checked first and then written with one {@link CertificateStore#saveAll}
 *     under the target's lease {@link StorageKeys#MIGRATION_LEASE}: a crash or a refusal leaves
 *     the target exactly as it was, never half-copied.</li>
 * <li>Idempotent: what the target already holds is not written again, so a second run writes
 *     nothing and changes no {@link CertificateStore#versions version}.</li>
 * <li>Refused ({@link MigrationRefusedException}, nothing written) when the target holds another
 *     account for a CA folder (another key or URL) or another registration for a base name:
 *     records name exactly one of each, so overwriting would break the target's instances.</li>
 * <li>A certificate in both stores is not an identity, any valid one serves: the one that
 *     expires later is kept, so a run after the target's instances renewed never goes back.</li>
 * <li>The names managed at run time are copied when the target has none; when it has its own set,
 *     the source's names it lacks are added to it, never removed from it.</li>
 * <li>What is unusable in the source (a certificate whose key does not match, an unreadable
 *     registration) is left out and reported; an instance orders or registers it again.</li>
 * </ul>
 * Secrets (account and certificate keys, registrations) are written as
 * {@link Sensitivity#SECRET}. The report and the refusals name keys and URLs, never a secret.
 * Writes that instances on the target make meanwhile under their own leases are not seen by
 * the checks, so migrate before starting instances on the target.
 */
public final class StoreMigration {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longer than a lease lasts, so a rerun after a crashed migration waits its lease out instead of failing. */
    private static final Duration LEASE_WAIT = LeaseTimes.STANDARD.lease().plusSeconds(5);

    private final CertificateStore source;
    private final CertificateStore target;
    private final List<MigrationReport.Line> lines = new ArrayList<>();
    private final List<Item> writes = new ArrayList<>();
    private final List<String> refusals = new ArrayList<>();
    private final Duration leaseWait;

    private StoreMigration(CertificateStore source, CertificateStore target, Duration leaseWait) {
        this.source = source;
        this.target = target;
        this.leaseWait = leaseWait;
    }

    /**
     * Copies {@code source} into {@code target} as the class describes.
     *
     * @throws MigrationRefusedException if the target holds another account or registration; nothing was written
     * @throws IOException               if either store failed, or the target's lease was held by another
     *                                   migration for too long; nothing was written
     */
    public static MigrationReport copy(CertificateStore source, CertificateStore target)
            throws IOException, InterruptedException {
        return copy(source, target, LEASE_WAIT);
    }

    /** As {@link #copy(CertificateStore, CertificateStore)}, waiting at most {@code leaseWait} for the target's lease. */
    static MigrationReport copy(CertificateStore source, CertificateStore target, Duration leaseWait)
            throws IOException, InterruptedException {
        return new StoreMigration(source, target, leaseWait).run();
    }

    private MigrationReport run() throws IOException, InterruptedException {
        MigrationLayout.Found found = MigrationLayout.find(source);
        List<Group> groups = found.groups();
        List<MigrationReport.Line> unknown = found.unknown();
        List<String> keys = groups.stream().flatMap(group -> group.keys().stream()).toList();
        Map<String, byte[]> from = source.loadAll(keys);
        try (Lease lease = lease()) {
            // read under the lease, so a concurrent migration cannot slip a write between this check and ours
            Map<String, byte[]> to = target.loadAll(keys);
            for (Group group : groups) {
                switch (group.kind()) {
                    case ACCOUNT -> account(group, from, to);
                    case CERTIFICATE -> certificate(group, from, to);
                    case REGISTRATION -> registration(group, from, to);
                    case MANAGED_SET -> managedSet(group, from, to);
                }
            }
            if (!refusals.isEmpty()) {
                throw new MigrationRefusedException(refusals);
            }
            if (!writes.isEmpty()) {
                target.saveAll(writes, lease);
            }
        }
        lines.addAll(unknown);
        return new MigrationReport(lines, writes.size());
    }

    private Lease lease() throws IOException, InterruptedException {
        try {
            return target.locker().acquire(StorageKeys.MIGRATION_LEASE, leaseWait);
        } catch (Locker.LockTimeoutException e) {
            throw new IOException("another migrate-storage into " + target.describe() + " has held "
                    + StorageKeys.MIGRATION_LEASE + " for " + leaseWait.toSeconds() + " s; let it finish, then run again", e);
        }
    }

    private void account(Group group, Map<String, byte[]> from, Map<String, byte[]> to) {
        String ca = group.where();
        String keyKey = group.keys().get(0);
        String infoKey = group.keys().get(1);
        String what = "the account of " + ca;
        byte[] sourceKey = from.get(keyKey);
        byte[] sourceInfo = from.get(infoKey);
        if (sourceKey == null) {
            if (sourceInfo != null) {
                leftOut(what, "the source has " + StorageKeys.ACCOUNT_INFO + " without " + StorageKeys.ACCOUNT_KEY
                        + ", which no instance can log in with");
            }
            return;
        }
        byte[] sourcePublic;
        Optional<String> sourceUrl;
        try {
            sourcePublic = publicKey(sourceKey, keyKey);
            sourceUrl = accountUrl(sourceInfo, infoKey);
        } catch (CorruptDataException e) {
            leftOut(what, "unusable in the source: " + e.getMessage());
            return;
        }
        byte[] targetKey = to.get(keyKey);
        byte[] targetInfo = to.get(infoKey);
        byte[] targetPublic;
        Optional<String> targetUrl;
        try {
            targetPublic = targetKey == null ? null : publicKey(targetKey, keyKey);
            targetUrl = accountUrl(targetInfo, infoKey);
        } catch (CorruptDataException e) {
            refusals.add(ca + ": the target " + target.describe() + " holds an unusable account (" + e.getMessage()
                    + "); nothing was copied: remove " + ca + "/" + StorageKeys.ACCOUNT_FOLDER + " from the target, then run again.");
            return;
        }
        boolean otherKey = targetPublic != null && !Arrays.equals(targetPublic, sourcePublic);
        // a URL without the key proves nothing about whose it is; beside the same key it is the same account
        boolean otherUrl = targetUrl.isPresent() && (sourceUrl.isPresent() ? !targetUrl.equals(sourceUrl) : targetPublic == null);
        if (otherKey || otherUrl) {
            refusals.add(ca + ": the target " + target.describe() + " already holds another ACME account than the source (target: "
                    + shown(targetUrl) + ", source: " + shown(sourceUrl) + (otherUrl ? "" : ", with another account key")
                    + "), and every dns-persist-01 record names exactly one account URL; nothing was copied: migrate into a store"
                    + " without an account for " + ca + ", or remove " + ca + "/" + StorageKeys.ACCOUNT_FOLDER
                    + " from the target if no instance uses it, then run again.");
            return;
        }
        List<Item> items = new ArrayList<>();
        if (targetKey == null) {
            items.add(new Item(keyKey, sourceKey, Sensitivity.SECRET));
        }
        if (targetInfo == null && sourceInfo != null) {
            items.add(new Item(infoKey, sourceInfo, Sensitivity.PUBLIC));
        }
        settle(what, shown(sourceUrl.or(() -> targetUrl)), items);
    }

    private void certificate(Group group, Map<String, byte[]> from, Map<String, byte[]> to) {
        String where = group.where();
        String what = "the certificate " + where;
        List<byte[]> sources = group.keys().stream().map(from::get).toList();
        if (sources.stream().allMatch(bytes -> bytes == null)) {
            return; // the folder held only what a crash left behind (temporary files)
        }
        StoredCertificate sourceCertificate;
        try {
            sourceCertificate = CertificateFiles.decode(where, sources.get(0), sources.get(1), sources.get(2));
        } catch (CorruptDataException e) {
            leftOut(what, "unusable in the source, so an instance orders it again: " + e.getMessage());
            return;
        }
        String detail = String.join(", ", sourceCertificate.names()) + ", expires " + sourceCertificate.notAfter();
        List<Item> items = List.of(new Item(group.keys().get(0), sources.get(0), Sensitivity.SECRET),
                new Item(group.keys().get(1), sources.get(1), Sensitivity.PUBLIC),
                new Item(group.keys().get(2), sources.get(2), Sensitivity.PUBLIC));
        List<byte[]> targets = group.keys().stream().map(to::get).toList();
        if (targets.stream().allMatch(bytes -> bytes == null)) {
            settle(what, detail, items);
            return;
        }
        boolean same = true;
        for (int i = 0; i < sources.size(); i++) {
            same &= Arrays.equals(sources.get(i), targets.get(i));
        }
        if (same) {
            settle(what, detail, List.of());
            return;
        }
        StoredCertificate targetCertificate;
        try {
            targetCertificate = CertificateFiles.decode(where, targets.get(0), targets.get(1), targets.get(2));
        } catch (CorruptDataException e) {
            settle(what, detail + "; replaces the target's, which is unusable: " + e.getMessage(), items);
            return;
        }
        if (sourceCertificate.notAfter().isAfter(targetCertificate.notAfter())) {
            settle(what, detail + "; replaces the target's, which expires sooner, " + targetCertificate.notAfter(), items);
        } else {
            lines.add(new MigrationReport.Line(MigrationReport.Outcome.KEPT_TARGET, what, "it expires "
                    + targetCertificate.notAfter() + ", the source's " + sourceCertificate.notAfter()));
        }
    }

    private void registration(Group group, Map<String, byte[]> from, Map<String, byte[]> to) {
        String key = group.where();
        String what = "the acme-dns registration " + key;
        byte[] sourceBytes = from.get(key);
        if (sourceBytes == null) {
            return;
        }
        String fileName = key.substring(key.lastIndexOf('/') + 1);
        String owner = "_acme-challenge." + fileName.substring(0, fileName.length() - StorageKeys.REGISTRATION_SUFFIX.length());
        Optional<JsonNode> sourceRegistration = registrationFields(sourceBytes);
        if (sourceRegistration.isEmpty()) {
            leftOut(what, "unreadable in the source, so an instance registers again and prints the new CNAME for " + owner);
            return;
        }
        String fulldomain = sourceRegistration.get().path("fulldomain").asText();
        String detail = owner + " CNAME " + fulldomain;
        byte[] targetBytes = to.get(key);
        if (targetBytes == null) {
            settle(what, detail, List.of(new Item(key, sourceBytes, Sensitivity.SECRET)));
            return;
        }
        Optional<JsonNode> targetRegistration = registrationFields(targetBytes);
        if (Arrays.equals(sourceBytes, targetBytes)
                || targetRegistration.isPresent() && sameRegistration(sourceRegistration.get(), targetRegistration.get())) {
            settle(what, detail, List.of());
            return;
        }
        refusals.add(key + ": the target " + target.describe() + " already holds another acme-dns registration than the source"
                + " (target: " + targetRegistration.map(node -> node.path("fulldomain").asText()).orElse("unreadable")
                + ", source: " + fulldomain + "), and the CNAME " + owner + " points at exactly one; nothing was copied:"
                + " look up which one it points at, remove the other registration (from the target, or from a copy of the"
                + " source folder), then run again.");
    }

    /**
     * The names managed at run time ({@link ManagedNamesFile}): copied when the target has no set; when it
     * has one, the source's names it lacks are added to it (with their on-demand marks and retired
     * certificates), under a version above both, so the target's instances read it as a change. Names
     * are only ever added: a name the target manages stays managed.
     */
    private void managedSet(Group group, Map<String, byte[]> from, Map<String, byte[]> to) {
        String key = group.where();
        String what = "the names managed at run time (" + key + ")";
        byte[] sourceBytes = from.get(key);
        if (sourceBytes == null) {
            return;
        }
        ManagedNamesFile.Decoded source;
        try {
            source = ManagedNamesFile.decode("the source's " + key, sourceBytes);
        } catch (CorruptDataException e) {
            leftOut(what, "unreadable in the source (" + e.getMessage() + "); manage the names again on the target");
            return;
        }
        String detail = source.names().names().size() + (source.names().names().size() == 1 ? " name" : " names");
        byte[] targetBytes = to.get(key);
        if (targetBytes == null) {
            settle(what, detail, List.of(new Item(key, sourceBytes, Sensitivity.PUBLIC)));
            return;
        }
        if (Arrays.equals(sourceBytes, targetBytes)) {
            settle(what, detail, List.of());
            return;
        }
        ManagedNamesFile.Decoded target;
        try {
            target = ManagedNamesFile.decode("the target's " + key, targetBytes);
        } catch (CorruptDataException e) {
            refusals.add(key + ": the target " + this.target.describe() + " holds a set of managed names that cannot be read ("
                    + e.getMessage() + "); nothing was copied: remove " + key + " from the target, then run again.");
            return;
        }
        if (Math.max(source.format(), target.format()) > ManagedNamesFile.FORMAT) {
            leftOut(what, "written by a newer autotls (format " + Math.max(source.format(), target.format())
                    + "), which this one cannot merge; run migrate-storage of that version");
            return;
        }
        ManagedNames merged = target.names().withNamesOf(source.names());
        int added = merged.names().size() - target.names().names().size();
        if (added == 0) {
            settle(what, detail + "; the target's set holds them all", List.of());
            return;
        }
        try {
            settle(what, added + (added == 1 ? " name" : " names") + " added to the target's set",
                    List.of(new Item(key, ManagedNamesFile.encode(merged), Sensitivity.PUBLIC)));
        } catch (IOException e) {
            leftOut(what, "could not be written as JSON: " + e.getMessage());
        }
    }

    /** Records a group as copied (with what to write) or, when nothing needs writing, as already there. */
    private void settle(String what, String detail, List<Item> items) {
        writes.addAll(items);
        lines.add(new MigrationReport.Line(items.isEmpty() ? MigrationReport.Outcome.ALREADY_THERE
                : MigrationReport.Outcome.COPIED, what, detail));
    }

    private void leftOut(String what, String why) {
        lines.add(new MigrationReport.Line(MigrationReport.Outcome.LEFT_OUT, what, why));
    }

    /** The public half, which identifies the account whatever the PEM's formatting. */
    private static byte[] publicKey(byte[] pem, String key) throws CorruptDataException {
        return Pem.decodeKeyPair(pem, key).getPublic().getEncoded();
    }

    private static Optional<String> accountUrl(byte[] info, String key) throws CorruptDataException {
        if (info == null) {
            return Optional.empty();
        }
        try {
            String url = JSON.readTree(info).path("url").asText();
            if (url.isEmpty()) {
                throw new CorruptDataException(key + " has no account url");
            }
            return Optional.of(url);
        } catch (CorruptDataException e) {
            throw e;
        } catch (IOException e) {
            throw new CorruptDataException(key + " is not valid JSON", e);
        }
    }

    private static String shown(Optional<String> accountUrl) {
        return accountUrl.orElse("not registered with the CA yet");
    }

    /** The registration's JSON if it has the fields an instance needs to update its TXT record. */
    private static Optional<JsonNode> registrationFields(byte[] json) {
        try {
            JsonNode node = JSON.readTree(json);
            for (String field : List.of("username", "password", "subdomain", "fulldomain")) {
                if (node == null || node.path(field).asText().isEmpty()) {
                    return Optional.empty();
                }
            }
            return Optional.of(node);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The same credentials for the same name, whatever else the file says (field order, the server's spelling). */
    private static boolean sameRegistration(JsonNode a, JsonNode b) {
        return a.path("username").asText().equals(b.path("username").asText())
                && a.path("password").asText().equals(b.path("password").asText())
                && a.path("subdomain").asText().equals(b.path("subdomain").asText())
                && a.path("fulldomain").asText().toLowerCase(Locale.ROOT).equals(b.path("fulldomain").asText().toLowerCase(Locale.ROOT));
    }
}
