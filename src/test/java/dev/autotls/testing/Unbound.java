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

/**
 * unbound (Debian's) on loopback as a real recursive resolver, with stub zones pointing at
 * the authoritative servers under test, and no caching, so CNAME chains are followed as on
 * the internet and every answer is fresh.
 */
public final class Unbound implements AutoCloseable {
    private final int port;
    private final Path dir;
    private final Process process;

    private Unbound(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    /** Starts unbound with {@code stubs}: zone name to the loopback port of its authoritative server. */
    public static Unbound start(Path dir, Map<String, Integer> stubs) throws Exception {
        Files.createDirectories(dir);
        Unbound unbound = create(dir, stubs);
        Await.until("unbound to answer", Duration.ofSeconds(20), () -> {
            if (!unbound.process.isAlive()) {
                throw new AssertionError("unbound exited: " + unbound.log());
            }
            try {
                SimpleResolver resolver = new SimpleResolver(new InetSocketAddress("127.0.0.1", unbound.port));
                resolver.setTimeout(Duration.ofMillis(500));
                String zone = stubs.keySet().iterator().next();
                return resolver.send(Message.newQuery(org.xbill.DNS.Record.newRecord(
                        Name.fromString(zone + "."), Type.SOA, DClass.IN))).getRcode() == 0;
            } catch (IOException notYet) {
                return false;
            }
        });
        return unbound;
    }

    private static Unbound create(Path dir, Map<String, Integer> stubs) throws IOException {
        Path config = dir.resolve("unbound.conf");
        int port = Ports.free();
        StringBuilder text = new StringBuilder("server:\n")
                .append("  interface: 127.0.0.1@").append(port).append('\n')
                .append("  do-not-query-localhost: no\n  do-daemonize: no\n  username: \"\"\n  chroot: \"\"\n  pidfile: \"\"\n")
                .append("  use-syslog: no\n  module-config: \"iterator\"\n  local-zone: \"test.\" nodefault\n")
                .append("  domain-insecure: \"test.\"\n  cache-max-ttl: 0\n  cache-max-negative-ttl: 0\n")
                .append("  verbosity: 1\n");
        for (Map.Entry<String, Integer> stub : stubs.entrySet()) {
            text.append("stub-zone:\n  name: \"").append(stub.getKey()).append(".\"\n  stub-addr: 127.0.0.1@")
                    .append(stub.getValue()).append('\n');
        }
        Files.writeString(config, text.toString());
        Process process = new ProcessBuilder(SystemPeers.program("unbound", "unbound").toString(), "-d", "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("unbound.log").toFile()).start();
        return new Unbound(port, dir, process);
    }

    public int port() {
        return port;
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("unbound.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        process.destroy();
        Processes.awaitExit(process);
    }
}
