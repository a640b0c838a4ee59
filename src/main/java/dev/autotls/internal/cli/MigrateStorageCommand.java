package dev.autotls.internal.cli;

import dev.autotls.internal.store.CorruptDataException;
import dev.autotls.internal.store.FileCertificateStore;
import dev.autotls.internal.store.LeaseTimes;
import dev.autotls.internal.store.MigrationRefusedException;
import dev.autotls.internal.store.MigrationReport;
import dev.autotls.internal.store.StoreMigration;
import dev.autotls.internal.store.UnusableStoreException;
import dev.autotls.internal.store.postgres.PostgresCertificateStore;
import dev.autotls.internal.store.postgres.PostgresLocation;
import dev.autotls.spi.CertificateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code migrate-storage --from FOLDER --to postgresql://...|FOLDER}: copies a storage folder's
 * accounts, certificates, acme-dns registrations and managed names into another store ({@link StoreMigration}),
 * printing one line per group and a summary on stdout. Exit codes: 0 done (also when everything
 * was already there), 1 a store failed (worth retrying), 2 a wrong argument or an unusable or
 * unreadable store (retrying would not help), 3 refused because the target holds another
 * account or registration. Errors are one sentence on stderr. The database password comes from
 * the URL or, to keep it out of process lists, from {@code autotls.storage.password} /
 * {@code AUTOTLS_STORAGE_PASSWORD}; it is never printed.
 */
@Command(name = "migrate-storage", mixinStandardHelpOptions = true,
        description = "Copy accounts, keys, certificates, acme-dns registrations and managed names from a storage folder into "
                + "PostgreSQL (or another folder), so existing DNS records keep working; safe to run again.",
        footer = {"%nExit codes: 0 copied (or all was there), 1 a store failed (run it again), 2 a wrong argument or an "
                        + "unusable store, 3 refused: the target holds another account or acme-dns registration."})
public final class MigrateStorageCommand implements Callable<Integer> {
    private static final String PREFIX = "autotls migrate-storage: ";
    private static final String PASSWORD = "autotls.storage.password";
    private static final String STORAGE_KEY = "autotls.storage.key";

    @Option(names = "--from", required = true, paramLabel = "FOLDER",
            description = "the autotls.storage folder to copy from; only read")
    Path from;

    @Option(names = "--to", required = true, paramLabel = "STORE",
            description = "postgresql://user@host:5432/database (password: autotls.storage.password or "
                    + "AUTOTLS_STORAGE_PASSWORD; secrets sealed with autotls.storage.key if set), or a folder")
    String to;

    @Override
    public Integer call() {
        if (!Files.isDirectory(from)) {
            // a FileCertificateStore would create the folder, and then report an empty copy
            System.err.println(PREFIX + "--from " + from + " is not a folder; give the autotls.storage folder to copy from.");
            return 2;
        }
        String shownTarget = shownTarget();
        try (FileCertificateStore source = new FileCertificateStore(from);
             CertificateStore target = openTarget()) {
            MigrationReport report = StoreMigration.copy(source, target);
            if (!report.foundAnything()) {
                report.lines().forEach(System.out::println);
                System.err.println(PREFIX + "found no account, certificate or acme-dns registration in " + source.describe()
                        + "; --from must be an autotls.storage folder.");
                return 2;
            }
            report.lines().forEach(System.out::println);
            System.out.println(report.summary(source.describe(), target.describe()));
            return 0;
        } catch (MigrationRefusedException e) {
            e.reasons().forEach(reason -> System.err.println(PREFIX + reason));
            return 3;
        } catch (UnusableStoreException | IllegalArgumentException e) {
            System.err.println(PREFIX + e.getMessage());
            return 2;
        } catch (CorruptDataException e) {
            // secrets sealed with another autotls.storage.key, a damaged lock counter: retrying would not help
            System.err.println(PREFIX + e.getMessage() + "; nothing was written.");
            return 2;
        } catch (IOException e) {
            System.err.println(PREFIX + "could not copy from " + from + " to " + shownTarget + ": " + e.getMessage()
                    + "; run it again once the store works, it writes only what is missing.");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println(PREFIX + "interrupted before the copy was written; run it again.");
            return 1;
        } catch (RuntimeException e) {
            // no stack trace for people; the message of whatever broke, which never holds the password
            System.err.println(PREFIX + "failed: " + e);
            return 1;
        }
    }

    private CertificateStore openTarget() throws IOException {
        if (PostgresLocation.isPostgres(to)) {
            PostgresLocation location = PostgresLocation.parse(to, setting(PASSWORD));
            return PostgresCertificateStore.open(location, setting(STORAGE_KEY), true, LeaseTimes.STANDARD);
        }
        Path folder = Path.of(to);
        if (Files.exists(folder) && Files.isSameFile(folder, from)) {
            throw new IllegalArgumentException("--to " + to + " is the --from folder itself; name another folder or a database.");
        }
        return new FileCertificateStore(folder);
    }

    /** {@code --to} for messages: a database without its password. */
    private String shownTarget() {
        if (!PostgresLocation.isPostgres(to)) {
            return to;
        }
        try {
            return PostgresLocation.parse(to, null).toString();
        } catch (IllegalArgumentException e) {
            return "the database"; // unparsable: opening it says why, with the password masked
        }
    }

    /** A setting as the library reads it: {@code -Dautotls.x.y}, else {@code AUTOTLS_X_Y}. */
    private static String setting(String key) {
        String property = System.getProperty(key);
        return property != null ? property : System.getenv(key.toUpperCase(Locale.ROOT).replace('.', '_'));
    }
}
