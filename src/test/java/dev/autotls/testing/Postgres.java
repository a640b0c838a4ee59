package dev.autotls.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server from Debian's {@code postgresql} package: its own cluster made by
 * {@code initdb} in a temporary folder (as the {@code postgres} user when the tests run as
 * root, since initdb refuses root), on a free loopback port, with a database {@code autotls}
 * owned by the login role {@code autotls} (password {@link #PASSWORD}). Stopped by its own
 * process id; the folder is deleted on {@link #close}.
 */
public final class Postgres implements AutoCloseable {
    public static final String USER = "autotls";
    public static final String PASSWORD = "cluster-test-secret";
    public static final String DATABASE = "autotls";

    private final Path bin;
    private final Path dir;
    private final boolean asPostgresUser;
    private int port;
    private boolean running;

    private Postgres(Path bin, Path dir, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.asPostgresUser = asPostgresUser;
    }

    /** A new cluster with the {@code autotls} role and database, running. */
    public static Postgres start() throws Exception {
        Path bin = serverPrograms();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("autotls-pg-");
        Postgres postgres = new Postgres(bin, dir, root);
        if (root) {
            Processes.run(List.of("chown", "postgres", dir.toString()), dir);
        }
        Files.writeString(dir.resolve("pw"), "postgres-superuser\n");
        if (root) {
            Processes.run(List.of("chown", "postgres", dir.resolve("pw").toString()), dir);
        }
        postgres.run(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(),
                "-A", "scram-sha-256", "-U", "postgres", "--pwfile=" + dir.resolve("pw"), "-E", "UTF8", "--no-sync"));
        postgres.launch(Ports.free());
        try (Connection connection = postgres.superuser();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
            statement.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
        }
        return postgres;
    }

    /** The newest installed server's programs, or a failure that says what to install. */
    static Path serverPrograms() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                Path newest = versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                        .max(Comparator.comparing(v -> Integer.parseInt(v.getFileName().toString().replaceAll("\\D", "0"))))
                        .orElse(null);
                if (newest != null) {
                    return newest.resolve("bin");
                }
            }
        }
        throw new AssertionError("PostgreSQL's server programs are missing (no /usr/lib/postgresql/*/bin/initdb): "
                + "run scripts/peers.sh as root, or apt-get install postgresql");
    }

    /** Starts the server on {@code wanted}, or on another free port if that one turned out to be taken. */
    private void launch(int wanted) throws Exception {
        int candidate = wanted;
        for (int attempt = 1; ; attempt++) {
            try {
                run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                        "-l", dir.resolve("log").toString(), "-w", "-t", "60",
                        "-o", "-p " + candidate + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                                + " -c max_connections=200", "start"));
                port = candidate;
                running = true;
                return;
            } catch (AssertionError e) {
                String log = Files.exists(dir.resolve("log")) ? Files.readString(dir.resolve("log")) : "";
                if (attempt < 5 && log.contains("already in use")) {
                    candidate = Ports.free(); // someone took the port between our look and the bind
                    continue;
                }
                throw new AssertionError(e.getMessage() + "\n" + log, e);
            }
        }
    }

    private void run(List<String> command) throws Exception {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("su", "postgres", "-s", "/bin/sh", "-c", shellQuoted(command)));
        } else {
            full.addAll(command);
        }
        Processes.run(full, dir);
    }

    private static String shellQuoted(List<String> command) {
        StringBuilder line = new StringBuilder();
        for (String part : command) {
            line.append('\'').append(part.replace("'", "'\\''")).append("' ");
        }
        return line.toString();
    }

    public int port() {
        return port;
    }

    /** The {@code autotls.storage} value for this server, password included. */
    public String url() {
        return "postgresql://" + USER + ":" + PASSWORD + "@127.0.0.1:" + port + "/" + DATABASE;
    }

    /** The same server as acme-dns's {@code [database] connection} string. */
    public String acmeDnsConnection() {
        return "postgres://" + USER + ":" + PASSWORD + "@127.0.0.1:" + port + "/" + DATABASE + "?sslmode=disable";
    }

    /** Makes another database owned by the {@code autotls} role and returns its {@code autotls.storage} URL. */
    public String createDatabase(String name) throws SQLException {
        try (Connection connection = superuser(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name + " OWNER " + USER);
        }
        return "postgresql://" + USER + ":" + PASSWORD + "@127.0.0.1:" + port + "/" + name;
    }

    /**
     * Drops a database made by {@link #createDatabase}, ending its connections. As the superuser: an
     * autovacuum worker busy in it (after a test's bulk writes) is a backend the owner may not end.
     */
    public void dropDatabase(String name) throws SQLException {
        try (Connection connection = superuser(); Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    /** A connection as the {@code autotls} role, for tests that look into the tables. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, PASSWORD);
    }

    private Connection superuser() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "postgres-superuser");
    }

    /** Certificate leases held right now (by the database clock); 0 before the tables exist. */
    public long heldCertificateLeases() {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             java.sql.ResultSet row = statement.executeQuery("SELECT count(*) FROM autotls_locks "
                     + "WHERE name LIKE 'locks/%/certificates/%' AND expires_at > clock_timestamp()")) {
            row.next();
            return row.getLong(1);
        } catch (SQLException notYetOrDown) {
            return 0;
        }
    }

    /** Stops the server at once (no checkpoint), as a crash would. */
    public void stop() throws Exception {
        if (running) {
            running = false;
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"));
        }
    }

    /** Starts the stopped server again on the same port, so clients configured with it reconnect. */
    public void restart() throws Exception {
        stop();
        // the same port: the instances know only this one. If it was taken meanwhile this fails, saying so.
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                "-l", dir.resolve("log").toString(), "-w", "-t", "60",
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
                "start"));
        running = true;
    }

    public String log() throws IOException {
        Path log = dir.resolve("log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
    }

    @Override
    public void close() throws Exception {
        try {
            stop();
        } finally {
            TempFolders.delete(dir);
        }
    }
}
