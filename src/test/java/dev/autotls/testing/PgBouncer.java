package dev.autotls.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Debian's PgBouncer in front of a test's {@link Postgres}, on a free loopback port, in
 * transaction or session pooling and otherwise with PgBouncer's defaults (so it refuses any
 * start-up parameter it does not know, as most sites' poolers do). Clients log in as the
 * {@code autotls} role with its password (SCRAM, checked by PgBouncer against its own user
 * list), and PgBouncer logs in to PostgreSQL with the same. PgBouncer refuses to run as root:
 * when the tests run as root it runs as the {@code postgres} user. Stopped by its own
 * process id; the folder is deleted on {@link #close}.
 */
public final class PgBouncer implements AutoCloseable {
    /** PgBouncer's {@code pool_mode}. */
    public enum Mode {
        /** Each transaction runs on whichever server connection is free. */
        TRANSACTION,
        /** A client keeps one server connection until it disconnects. */
        SESSION
    }

    private static final Path PROGRAM = Path.of("/usr/sbin/pgbouncer");

    private final Path dir;
    private final Process process;
    private final int port;

    private PgBouncer(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /** Starts PgBouncer in {@code mode} in front of {@code postgres} and waits until it accepts connections. */
    public static PgBouncer start(Postgres postgres, Mode mode) throws Exception {
        if (!Files.isExecutable(PROGRAM)) {
            throw new AssertionError("PgBouncer is missing (no " + PROGRAM + "): run scripts/peers.sh as root, "
                    + "or apt-get install pgbouncer");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("autotls-pgbouncer-");
        for (int attempt = 1; ; attempt++) {
            int port = Ports.free();
            Files.writeString(dir.resolve("users.txt"), "\"" + Postgres.USER + "\" \"" + Postgres.PASSWORD + "\"\n");
            Files.writeString(dir.resolve("pgbouncer.ini"), String.join("\n",
                    "[databases]",
                    Postgres.DATABASE + " = host=127.0.0.1 port=" + postgres.port() + " dbname=" + Postgres.DATABASE,
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    "listen_port = " + port,
                    "auth_type = scram-sha-256",
                    "auth_file = " + dir.resolve("users.txt"),
                    "pool_mode = " + mode.name().toLowerCase(Locale.ROOT),
                    "unix_socket_dir =",
                    "logfile = " + dir.resolve("pgbouncer.log"),
                    "pidfile = " + dir.resolve("pgbouncer.pid"),
                    ""));
            List<String> command = List.of(PROGRAM.toString(), dir.resolve("pgbouncer.ini").toString());
            if (root) {
                Processes.run(List.of("chown", "-R", "postgres", dir.toString()), dir);
                command = List.of("su", "postgres", "-s", "/bin/sh", "-c",
                        "exec '" + PROGRAM + "' '" + dir.resolve("pgbouncer.ini") + "'");
            }
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("output.log").toFile())).start();
            PgBouncer bouncer = new PgBouncer(dir, process, port);
            try {
                Await.until("PgBouncer to listen on 127.0.0.1:" + port, Duration.ofSeconds(20), () -> {
                    if (!process.isAlive()) {
                        return true; // looked at below
                    }
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                        return true;
                    } catch (IOException notYet) {
                        return false;
                    }
                });
            } catch (AssertionError e) {
                String log = bouncer.log();
                bouncer.close();
                throw new AssertionError(e.getMessage() + "\n" + log, e);
            }
            if (process.isAlive()) {
                return bouncer;
            }
            String log = bouncer.log();
            bouncer.stop();
            if (attempt < 5 && log.contains("in use")) {
                continue; // someone took the port between our look and the bind
            }
            TempFolders.delete(dir);
            throw new AssertionError("PgBouncer exited at start:\n" + log);
        }
    }

    public int port() {
        return port;
    }

    /** The {@code autotls.storage} value through this pooler, password included. */
    public String url() {
        return "postgresql://" + Postgres.USER + ":" + Postgres.PASSWORD + "@127.0.0.1:" + port + "/" + Postgres.DATABASE;
    }

    /** The same as acme-dns's {@code [database] connection} string. */
    public String acmeDnsConnection() {
        return "postgres://" + Postgres.USER + ":" + Postgres.PASSWORD + "@127.0.0.1:" + port + "/" + Postgres.DATABASE
                + "?sslmode=disable";
    }

    /** PgBouncer's own log and anything it printed. */
    public String log() {
        StringBuilder text = new StringBuilder();
        for (String name : List.of("output.log", "pgbouncer.log")) {
            try {
                if (Files.exists(dir.resolve(name))) {
                    text.append(Files.readString(dir.resolve(name)));
                }
            } catch (IOException e) {
                text.append("(").append(name).append(" unreadable: ").append(e).append(")\n");
            }
        }
        return text.toString();
    }

    /** PgBouncer's process id from its pid file (the process this class started may be {@code su}). */
    private Optional<ProcessHandle> pgbouncerProcess() {
        try {
            return ProcessHandle.of(Long.parseLong(Files.readString(dir.resolve("pgbouncer.pid")).trim()))
                    .filter(handle -> handle.info().command().map(c -> c.endsWith("pgbouncer")).orElse(false));
        } catch (IOException | NumberFormatException notWritten) {
            return Optional.empty();
        }
    }

    private void stop() {
        Optional<ProcessHandle> own = pgbouncerProcess();
        own.ifPresent(ProcessHandle::destroy); // SIGTERM: PgBouncer shuts down at once
        process.destroy();
        Processes.awaitExit(process);
        own.filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            TempFolders.delete(dir);
        }
    }
}
