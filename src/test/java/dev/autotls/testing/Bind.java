package dev.autotls.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * BIND 9 (Debian's bind9, {@code named}) on loopback as the primary of zones given as zone-file
 * text. The zones in {@code updatable} take RFC 2136 updates signed with {@link #key}, which
 * {@code update-policy { grant KEY zonesub TXT; };} limits to TXT records in that zone, as an
 * owner would configure it; the other zones take no updates at all. No recursion, no control
 * channel (so instances never share a port besides their own), stopped by its process.
 */
public final class Bind implements AutoCloseable {
    public static final String KEY_NAME = "acme-alias";

    /** hmac-sha256 secret of {@link #KEY_NAME}, as base64: fresh for every instance. */
    public final String secret;
    private final Path dir;
    private int port;
    private Process process;

    private Bind(Path dir) {
        this.dir = dir;
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        this.secret = Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * Starts named for {@code zones} (name to zone-file text); the names in {@code updatable} get the key's TXT-only grant.
     * Retries on another port when the chosen one turns out taken.
     */
    public static Bind start(Path dir, Map<String, String> zones, List<String> updatable) throws Exception {
        Files.createDirectories(dir);
        Bind bind = new Bind(dir);
        for (int attempt = 1; ; attempt++) {
            bind.port = Ports.free();
            bind.write(zones, updatable);
            if (bind.launch(zones.keySet().iterator().next()) || attempt == 3) {
                if (!bind.process.isAlive()) {
                    throw new AssertionError("named exited: " + bind.log());
                }
                return bind;
            }
        }
    }

    /** The key as {@code autotls.rfc2136.tsig} takes it. */
    public String tsigSetting() {
        return "hmac-sha256:" + KEY_NAME + ":" + secret;
    }

    /** The key as {@code tsig-keygen} writes it, for {@code autotls.rfc2136.tsig-file}. */
    public String keyFile() {
        return "key \"" + KEY_NAME + "\" {\n\talgorithm hmac-sha256;\n\tsecret \"" + secret + "\";\n};\n";
    }

    public int port() {
        return port;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** The TXT strings at {@code name}, as named answers now (with authority). */
    public List<String> txt(String name) throws IOException {
        Message answer = query(name, Type.TXT);
        if (!answer.getHeader().getFlag(Flags.AA)) {
            throw new AssertionError("named gave no authoritative answer for " + name + ": " + answer);
        }
        return answer.getSection(Section.ANSWER).stream().filter(r -> r instanceof TXTRecord)
                .map(r -> String.join("", ((TXTRecord) r).getStrings())).toList();
    }

    /** Every record at {@code name} of {@code type}, as named answers now. */
    public List<Record> records(String name, int type) throws IOException {
        return query(name, type).getSection(Section.ANSWER);
    }

    private Message query(String name, int type) throws IOException {
        SimpleResolver resolver = new SimpleResolver(address());
        resolver.setTimeout(Duration.ofSeconds(2));
        return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name.endsWith(".") ? name : name + "."),
                type, DClass.IN)));
    }

    private void write(Map<String, String> zones, List<String> updatable) throws IOException {
        StringBuilder config = new StringBuilder()
                .append("options {\n  directory \"").append(dir).append("\";\n")
                .append("  listen-on port ").append(port).append(" { 127.0.0.1; };\n  listen-on-v6 { none; };\n")
                .append("  recursion no;\n  dnssec-validation no;\n  notify no;\n")
                .append("  pid-file \"").append(dir.resolve("named.pid")).append("\";\n")
                .append("  session-keyfile \"").append(dir.resolve("session.key")).append("\";\n")
                .append("  managed-keys-directory \"").append(dir).append("\";\n};\n")
                .append("controls { };\n")
                .append("key \"").append(KEY_NAME).append("\" { algorithm hmac-sha256; secret \"").append(secret).append("\"; };\n");
        for (Map.Entry<String, String> zone : zones.entrySet()) {
            Path file = dir.resolve(zone.getKey() + ".zone");
            Files.writeString(file, zone.getValue());
            Files.deleteIfExists(dir.resolve(zone.getKey() + ".zone.jnl")); // a journal of an earlier start would replay
            config.append("zone \"").append(zone.getKey()).append("\" { type primary; file \"").append(file).append("\";");
            if (updatable.contains(zone.getKey())) {
                config.append(" update-policy { grant ").append(KEY_NAME).append(" zonesub TXT; };");
            }
            config.append(" };\n");
        }
        Files.writeString(dir.resolve("named.conf"), config.toString());
    }

    /** Starts named and waits until it answers; false when its port was taken (try another). */
    private boolean launch(String probeZone) throws Exception {
        Files.deleteIfExists(dir.resolve("named.log"));
        // -g: foreground, log to stderr; -n 1: one worker thread (a shared 2-core machine); -u root: we may run as root
        List<String> command = new java.util.ArrayList<>(List.of(SystemPeers.program("named", "bind9").toString(),
                "-g", "-n", "1", "-c", dir.resolve("named.conf").toString()));
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("-u", "root"));
        }
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("named.log").toFile()).start();
        boolean[] taken = {false};
        Await.until("named to serve " + probeZone, Duration.ofSeconds(30), () -> {
            if (!process.isAlive()) {
                taken[0] = log().contains("address in use");
                if (taken[0]) {
                    return true;
                }
                throw new AssertionError("named exited: " + log());
            }
            try {
                return query(probeZone, Type.SOA).getRcode() == 0;
            } catch (IOException notYet) {
                return false;
            }
        });
        if (taken[0]) {
            Processes.awaitExit(process);
        }
        return !taken[0];
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("named.log"));
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
