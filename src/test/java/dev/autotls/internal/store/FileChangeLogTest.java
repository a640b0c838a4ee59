package dev.autotls.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.CertificateStore.Changes;
import dev.autotls.spi.Lease;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The folder store's change log: every write is in it once it is visible, across processes, and trimming answers a gap. */
class FileChangeLogTest {
    private static final CertificateStore.Sensitivity PUBLIC = CertificateStore.Sensitivity.PUBLIC;
    @TempDir
    Path root;

    private static Changes since(CertificateStore store, long position) throws Exception {
        return store.changesSince(position).orElseThrow();
    }

    @Test
    void savesSaveAllsAndDeletionsAreLoggedInOrderAndReadFromAPosition() throws Exception {
        FileCertificateStore store = new FileCertificateStore(root);
        long start = since(store, Changes.FROM_NOW).position();
        assertThat(since(store, start).keys()).as("nothing yet").isEmpty();

        store.save("ca/account/account.json", new byte[] {1}, PUBLIC);
        try (Lease lease = store.locker().acquire("locks/ca/certificates/a.test", Duration.ofSeconds(5))) {
            store.saveAll(List.of(new CertificateStore.Item("ca/certificates/a.test/privkey.pem", new byte[] {2},
                            CertificateStore.Sensitivity.SECRET),
                    new CertificateStore.Item("ca/certificates/a.test/meta.json", new byte[] {3}, PUBLIC)), lease);
        }
        Changes first = since(store, start);
        assertThat(first.gap()).isFalse();
        assertThat(first.keys()).containsExactly("ca/account/account.json", "ca/certificates/a.test/privkey.pem",
                "ca/certificates/a.test/meta.json");

        store.delete("ca/account/account.json");
        Changes second = since(store, first.position());
        assertThat(second.keys()).containsExactly("ca/account/account.json");
        assertThat(since(store, second.position()).keys()).isEmpty();
        assertThat(store.list("")).as("the log is no key").containsExactly("ca");
        assertThat(Files.exists(root.resolve(FileChangeLog.FILE))).isTrue();
    }

    @Test
    void aWriteInterruptedAfterItsRenamesIsLoggedByWhoeverCompletesItsJournal() throws Exception {
        FileCertificateStore store = new FileCertificateStore(root);
        long start = since(store, Changes.FROM_NOW).position();
        // what a crash between the renames and the log leaves: the file in place, the journal still there
        Files.createDirectories(root.resolve("ca/certificates/b.test"));
        Files.write(root.resolve("ca/certificates/b.test/meta.json"), new byte[] {1});
        Files.writeString(root.resolve(".journal"), ".tmp-gone\tca/certificates/b.test/meta.json\n"
                + ".removed\tca/certificates/b.test/old.json\n");

        FileCertificateStore restarted = new FileCertificateStore(root);
        assertThat(since(restarted, start).keys()).containsExactly("ca/certificates/b.test/meta.json",
                "ca/certificates/b.test/old.json");
        assertThat(Files.exists(root.resolve(".journal"))).isFalse();
    }

    @Test
    void aLineACrashCutIsEndedBeforeTheNextAppendAndNeverReadAsHalfAKey() throws Exception {
        FileCertificateStore store = new FileCertificateStore(root);
        long start = since(store, Changes.FROM_NOW).position();
        Files.write(root.resolve(FileChangeLog.FILE), "ca/certifi".getBytes(StandardCharsets.UTF_8),
                java.nio.file.StandardOpenOption.APPEND);
        assertThat(since(store, start).keys()).as("a line not ended is not read yet").isEmpty();
        store.save("ca/x.json", new byte[] {1}, PUBLIC);
        // the cut line reads as what it holds (a change that never was is allowed), never glued to the next key
        assertThat(since(store, start).keys()).containsExactly("ca/certifi", "ca/x.json");
    }

    @Test
    void twoProcessesAndThreadsWritingAtOnceLoseNoEntry() throws Exception {
        FileCertificateStore store = new FileCertificateStore(root);
        long start = since(store, Changes.FROM_NOW).position();
        List<Process> writers = new ArrayList<>();
        for (String name : List.of("p1", "p2")) {
            writers.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), ChangeLogWriter.class.getName(), root.toString(), name, "80")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        }
        List<Thread> threads = new ArrayList<>();
        for (String name : List.of("t1", "t2")) {
            Thread thread = new Thread(() -> {
                try {
                    FileCertificateStore own = new FileCertificateStore(root);
                    ChangeLogWriter.write(own, name, 80);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join(120_000);
        }
        for (Process writer : writers) {
            assertThat(writer.waitFor(120, TimeUnit.SECONDS)).as("a writer process finished").isTrue();
            assertThat(writer.exitValue()).isZero();
        }
        Set<String> expected = new HashSet<>();
        for (String name : List.of("p1", "p2", "t1", "t2")) {
            for (int i = 0; i < 80; i++) {
                expected.add(ChangeLogWriter.key(name, i));
            }
        }
        Changes all = since(store, start);
        assertThat(new HashSet<>(all.keys())).isEqualTo(expected);
        assertThat(all.keys()).as("each once").hasSize(expected.size());
    }

    @Test
    void aPositionBeforeTheTrimIsAGapAndOneAfterItReadsOn() throws Exception {
        FileCertificateStore store = new FileCertificateStore(root, LeaseTimes.STANDARD,
                files -> new FileChangeLog(root.toAbsolutePath().normalize(), files, 300, 100, System::currentTimeMillis));
        long start = since(store, Changes.FROM_NOW).position();
        long middle = start;
        for (int i = 0; i < 40; i++) {
            store.save(String.format("trim/key-%02d", i), new byte[] {1}, PUBLIC);
            if (i == 35) {
                middle = since(store, Changes.FROM_NOW).position();
            }
        }
        assertThat(Files.size(root.resolve(FileChangeLog.FILE))).as("trimmed").isLessThanOrEqualTo(300);
        Changes fromStart = since(store, start);
        assertThat(fromStart.gap()).as("its lines were dropped").isTrue();
        Changes fromMiddle = since(store, middle);
        assertThat(fromMiddle.gap()).isFalse();
        assertThat(fromMiddle.keys()).containsExactly("trim/key-36", "trim/key-37", "trim/key-38", "trim/key-39");
        assertThat(since(store, fromStart.position()).keys()).as("the position a gap gives reads on").isEmpty();
    }

    @Test
    void aLogMadeAgainAfterItWasDeletedMakesOldPositionsAGap() throws Exception {
        java.util.concurrent.atomic.AtomicLong millis = new java.util.concurrent.atomic.AtomicLong(1_700_000_000_000L);
        FileCertificateStore store = new FileCertificateStore(root, LeaseTimes.STANDARD, files -> new FileChangeLog(
                root.toAbsolutePath().normalize(), files, FileChangeLog.MAX_BYTES, FileChangeLog.KEEP_BYTES, millis::get));
        store.save("a/b", new byte[] {1}, PUBLIC);
        long position = since(store, Changes.FROM_NOW).position();
        Files.delete(root.resolve(FileChangeLog.FILE));
        millis.incrementAndGet(); // the new log's base comes from the clock
        store.save("a/c", new byte[] {1}, PUBLIC);
        assertThat(since(store, position).gap()).isTrue();
    }
}
