package dev.autotls.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autotls.internal.store.CertificateFiles;
import dev.autotls.internal.store.LeaseTimes;
import dev.autotls.internal.store.ManagedNamesFile;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.internal.store.StoredCertificate;
import dev.autotls.internal.store.postgres.PostgresCertificateStore;
import dev.autotls.internal.store.postgres.PostgresLocation;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.Lease;
import dev.autotls.testing.Postgres;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A PostgreSQL store holding N names, for {@link FleetBench}: certificates {@code a0.bench.test}
 * ... {@code a{N-1}.bench.test} (one each, from {@link BenchCertificates}), each one's next look
 * kept as the store keeps it, and all N in the store's managed set (the names managed at run time).
 *
 * <p>Everything is written through the store's own code, so the rows are exactly what autotls
 * writes: the three items of each certificate as {@link CertificateFiles#save} makes them (250
 * certificates per fenced {@code saveAll}, on two threads), {@link CertificateStore#saveNextLook},
 * and {@link ManagedNamesFile#update}. Generated once, then kept as a {@code pg_dump} file in
 * {@code ~/.cache/autotls/} and restored with {@code pg_restore} into the benchmark's fresh
 * database. The file's name carries the count, {@link #FORMAT} and a digest of the tables an
 * empty store creates ({@code pg_dump --schema-only}) and of the items one certificate is
 * written as, so a change of the store's schema or of what autotls writes makes a new one; so does age (certificates are valid 90 days; older than {@link #MAX_AGE} is
 * made again, before any comes near renewal).
 */
final class FleetFixture {
    /** Raised when what the generator writes changes. */
    static final int FORMAT = 1;
    /** The CA the stored certificates are filed under; nothing listens there. */
    static final String CA = "https://127.0.0.1:1/dir";
    static final Duration MAX_AGE = Duration.ofDays(30);
    private static final int CHUNK = 250;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Thread time spent making certificates and their items, and in the store's writes, for the generation's summary. */
    private static final AtomicLong MAKING = new AtomicLong();
    private static final AtomicLong WRITING = new AtomicLong();

    private final Postgres postgres;
    private final Path cache;
    private final Path programs;
    private final String schemaDigest;

    private FleetFixture(Postgres postgres, Path cache, Path programs, String schemaDigest) {
        this.postgres = postgres;
        this.cache = cache;
        this.programs = programs;
        this.schemaDigest = schemaDigest;
    }

    /** The name of certificate {@code index}. */
    static String name(int index) {
        return "a" + index + ".bench.test";
    }

    /**
     * Fixtures for {@code postgres}, kept in {@code cache}: reads the tables an empty store makes
     * there and the items one certificate is written as, whose digest names the cached files.
     */
    static FleetFixture on(Postgres postgres, Path cache) throws Exception {
        Path programs = clientPrograms();
        String url = postgres.createDatabase("fleet_schema");
        String layout;
        try (PostgresCertificateStore store = open(url)) { // creates the tables
            layout = layout(store);
        }
        String schema = run(List.of(programs.resolve("pg_dump").toString(), "--schema-only", "--no-owner", "--no-acl",
                "-h", "127.0.0.1", "-p", Integer.toString(postgres.port()), "-U", Postgres.USER, "-d", "fleet_schema"));
        String stable = schema.lines() // comments, the random \restrict key and blank lines differ between runs
                .filter(line -> !line.startsWith("--") && !line.startsWith("\\") && !line.isBlank())
                .collect(Collectors.joining("\n"));
        byte[] digest = MessageDigest.getInstance("SHA-256").digest((stable + "\n" + layout).getBytes(StandardCharsets.UTF_8));
        return new FleetFixture(postgres, cache, programs, HexFormat.of().formatHex(digest, 0, 6));
    }

    /**
     * The keys, sensitivities and JSON field names one certificate is written as (its name
     * replaced), and where its next look goes: what changes when autotls writes certificates
     * differently in the same tables.
     */
    private static String layout(CertificateStore store) throws IOException {
        String caFolder = StorageKeys.caFolder(URI.create(CA));
        Instant now = Instant.now();
        Collected items = new Collected();
        new CertificateFiles(items, caFolder).save(new BenchCertificates().issue(name(0), BigInteger.ONE, now,
                now.plus(Duration.ofDays(90))), null);
        List<String> lines = new ArrayList<>();
        for (CertificateStore.Item item : items.items) {
            String fields = "";
            if (item.data().length > 0 && item.data()[0] == '{') {
                List<String> names = new ArrayList<>();
                JSON.readTree(item.data()).fieldNames().forEachRemaining(names::add);
                fields = " " + names.stream().sorted().toList();
            }
            lines.add(item.key().replace(name(0), "NAME") + " " + item.sensitivity() + fields);
        }
        lines.add("next look: " + (keepsNextLookAsItem(store) ? "an item" : "the store's own"));
        return String.join("\n", lines);
    }

    /** The cached file for {@code count} names. */
    Path file(int count) {
        return cache.resolve("fleet-" + count + "-f" + FORMAT + "-" + schemaDigest + ".pgdump");
    }

    /**
     * A new database {@code database} holding {@code count} names, restored from the cached file or
     * generated (and then cached); its {@code autotls.storage} URL. Says on standard output which, and how long it took.
     */
    String prepare(String database, int count) throws Exception {
        String url = postgres.createDatabase(database);
        Path file = file(count);
        long begin = System.nanoTime();
        if (Files.exists(file) && Files.getLastModifiedTime(file).toInstant().isAfter(Instant.now().minus(MAX_AGE))) {
            run(List.of(programs.resolve("pg_restore").toString(), "--no-owner", "--no-acl", "-j", "2",
                    "-h", "127.0.0.1", "-p", Integer.toString(postgres.port()), "-U", Postgres.USER, "-d", database, file.toString()));
            analyze(database);
            System.out.printf("fleet: restored %d names into %s from %s in %d ms%n", count, database, file, millisSince(begin));
            return url;
        }
        generate(url, count);
        long generated = millisSince(begin);
        analyze(database);
        Files.createDirectories(cache);
        Path partial = Files.createTempFile(cache, "fleet-", ".partial");
        run(List.of(programs.resolve("pg_dump").toString(), "-Fc", "-Z", "1", "-f", partial.toString(),
                "-h", "127.0.0.1", "-p", Integer.toString(postgres.port()), "-U", Postgres.USER, "-d", database));
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.printf("fleet: generated %d names into %s in %d ms, kept as %s (%.1f MB) in %d ms more%n", count, database,
                generated, file, Files.size(file) / 1e6, millisSince(begin) - generated);
        try (Stream<Path> kept = Files.list(cache)) { // the same count for an earlier schema or layout is never read again
            for (Path old : kept.filter(f -> f.getFileName().toString().startsWith("fleet-" + count + "-") && !f.equals(file)).toList()) {
                Files.deleteIfExists(old);
            }
        }
        return url;
    }

    private static void generate(String url, int count) throws Exception {
        long begin = System.nanoTime();
        BenchCertificates issuer = new BenchCertificates();
        String caFolder = StorageKeys.caFolder(URI.create(CA));
        Instant now = Instant.now();
        Instant notBefore = now.minus(Duration.ofDays(1));
        Instant notAfter = notBefore.plus(Duration.ofDays(90));
        Instant renewal = notAfter.minus(Duration.between(notBefore, notAfter).dividedBy(3)); // the last third, as RenewalPolicy
        try (PostgresCertificateStore store = open(url)) {
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                List<Future<?>> parts = new ArrayList<>();
                for (int part = 0; part < 2; part++) {
                    int first = part;
                    parts.add(threads.submit(() -> {
                        try (Lease lease = store.locker().acquire(StorageKeys.lockFor("bench-fixture-" + first), Duration.ofMinutes(1))) {
                            for (int from = first * CHUNK; from < count; from += 2 * CHUNK) {
                                writeChunk(store, caFolder, issuer, lease, from, Math.min(count, from + CHUNK), notBefore, notAfter,
                                        renewal);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> part : parts) {
                    part.get();
                }
            } finally {
                threads.shutdownNow();
            }
            long written = System.nanoTime();
            List<String> names = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                names.add(name(i));
            }
            new ManagedNamesFile(store).update(set -> set.with(names, names), Duration.ofMinutes(1));
            System.out.printf("fleet: %d certificates written in %d ms (2 threads: %d ms making them, %d ms in the store's "
                    + "writes), the managed set in %d ms%n", count, (written - begin) / 1_000_000, MAKING.getAndSet(0) / 1_000_000,
                    WRITING.getAndSet(0) / 1_000_000, millisSince(written));
        }
    }

    /**
     * Certificates {@code from} to {@code to} (exclusive): their items in one fenced write, with
     * their next looks when the store keeps those as items (the SPI's default: then the same
     * item, written in the same batch); else each next look through the store's own method.
     */
    private static void writeChunk(CertificateStore store, String caFolder, BenchCertificates issuer, Lease lease, int from, int to,
                                   Instant notBefore, Instant notAfter, Instant renewal) throws IOException {
        Collected items = new Collected();
        CertificateFiles files = new CertificateFiles(items, caFolder);
        long begin = System.nanoTime();
        boolean lookAsItem = keepsNextLookAsItem(store);
        for (int i = from; i < to; i++) {
            StoredCertificate certificate = issuer.issue(name(i), BigInteger.valueOf(i + 1L), notBefore, notAfter);
            files.save(certificate, lease); // into items: exactly the keys and bytes maintenance writes
            if (lookAsItem) {
                items.saveNextLook(nextLook(caFolder, i, renewal, notAfter)); // the default's item, its bytes made by the default
            }
        }
        long made = System.nanoTime();
        MAKING.addAndGet(made - begin);
        store.saveAll(items.items, lease);
        if (!lookAsItem) {
            for (int i = from; i < to; i++) {
                store.saveNextLook(nextLook(caFolder, i, renewal, notAfter));
            }
        }
        WRITING.addAndGet(System.nanoTime() - made);
    }

    private static CertificateStore.NextLook nextLook(String caFolder, int index, Instant renewal, Instant notAfter) {
        return new CertificateStore.NextLook(StorageKeys.certificateFolder(caFolder, name(index)), renewal, notAfter);
    }

    /** Whether {@code store} keeps next looks as the SPI's default does (an item beside the certificate's). */
    private static boolean keepsNextLookAsItem(CertificateStore store) {
        try {
            return store.getClass().getMethod("saveNextLook", CertificateStore.NextLook.class).getDeclaringClass()
                    == CertificateStore.class;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("CertificateStore has no saveNextLook(NextLook)", e);
        }
    }

    private static PostgresCertificateStore open(String url) throws Exception {
        return PostgresCertificateStore.open(PostgresLocation.parse(url, null), null, true, LeaseTimes.STANDARD);
    }

    /** As a database that has run for a while: statistics for the planner, and no autovacuum arriving mid-measurement. */
    private void analyze(String database) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + database,
                Postgres.USER, Postgres.PASSWORD); Statement statement = connection.createStatement()) {
            statement.execute("VACUUM ANALYZE");
        }
    }

    private static long millisSince(long begin) {
        return (System.nanoTime() - begin) / 1_000_000;
    }

    /** The newest installed PostgreSQL's client programs (pg_dump and pg_restore of the server's own version). */
    private static Path clientPrograms() throws IOException {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.filter(v -> Files.isExecutable(v.resolve("bin/pg_restore")))
                    .max(Comparator.comparing(v -> Integer.parseInt(v.getFileName().toString().replaceAll("\\D", "0"))))
                    .map(v -> v.resolve("bin"))
                    .orElseThrow(() -> new IOException("no /usr/lib/postgresql/*/bin/pg_restore: apt-get install postgresql"));
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", Postgres.PASSWORD);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + process.exitValue() + ":\n" + output);
        }
        return output;
    }

    /**
     * A store that only collects what is written to it ({@link CertificateFiles#save}'s saveAll, a
     * default next look), to be written in one go.
     */
    private static final class Collected implements CertificateStore {
        final List<Item> items = new ArrayList<>();

        @Override
        public void saveAll(List<Item> batch, Lease guard) {
            items.addAll(batch);
        }

        @Override
        public java.util.Optional<byte[]> load(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void save(String key, byte[] data, Sensitivity sensitivity) { // what the default saveNextLook writes
            items.add(new Item(key, data, sensitivity));
        }

        @Override
        public List<String> list(String folderKey) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void delete(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.Map<String, Long> versions(java.util.Collection<String> keys) {
            throw new UnsupportedOperationException();
        }

        @Override
        public dev.autotls.spi.Locker locker() {
            throw new UnsupportedOperationException();
        }

        @Override
        public String describe() {
            return "the fixture's batch";
        }
    }
}
