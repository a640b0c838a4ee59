package dev.autotls.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** Knot DNS (Debian's knot) on loopback, authoritative for zones given as zone-file text. */
public final class Knot implements AutoCloseable {
    public final int port = Ports.free();
    private final Path dir;
    private Process process;

    private Knot(Path dir) {
        this.dir = dir;
    }

    /** Starts knotd serving {@code zones} (zone name to zone-file text). */
    public static Knot start(Path dir, Map<String, String> zones) throws Exception {
        Knot knot = new Knot(dir);
        knot.write(zones);
        knot.launch(zones.keySet().iterator().next());
        return knot;
    }

    private void write(Map<String, String> zones) throws IOException {
        Files.createDirectories(dir.resolve("db"));
        StringBuilder config = new StringBuilder()
                .append("server:\n    rundir: \"").append(dir).append("\"\n    listen: 127.0.0.1@").append(port).append('\n')
                .append("database:\n    storage: \"").append(dir.resolve("db")).append("\"\n")
                .append("log:\n  - target: stderr\n    any: info\n")
                .append("template:\n  - id: default\n    storage: \"").append(dir).append("\"\n    file: \"%s.zone\"\n")
                .append("zone:\n");
        for (Map.Entry<String, String> zone : zones.entrySet()) {
            config.append("  - domain: ").append(zone.getKey()).append('\n');
            Files.writeString(dir.resolve(zone.getKey() + ".zone"), zone.getValue());
        }
        Files.writeString(dir.resolve("knot.conf"), config.toString());
    }

    private void launch(String probeZone) throws Exception {
        process = new ProcessBuilder(SystemPeers.program("knotd", "knot").toString(), "-c", dir.resolve("knot.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("knot.log").toFile()).start();
        Await.until("knot to serve " + probeZone, Duration.ofSeconds(20), () -> {
            if (!process.isAlive()) {
                throw new AssertionError("knotd exited: " + log());
            }
            try {
                SimpleResolver resolver = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
                resolver.setTimeout(Duration.ofMillis(300));
                return resolver.send(Message.newQuery(org.xbill.DNS.Record.newRecord(
                        Name.fromString(probeZone + "."), Type.SOA, DClass.IN))).getRcode() == 0;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    /** Replaces the zones' contents and restarts knotd on the same port. */
    public void replace(Map<String, String> zones) throws Exception {
        close();
        write(zones);
        launch(zones.keySet().iterator().next());
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("knot.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroy();
            Processes.awaitExit(process);
        }
    }
}
