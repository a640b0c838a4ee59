package dev.autotls.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Programs installed from this machine's own Debian release by scripts/peers.sh (unbound, knot, dnsperf). */
public final class SystemPeers {
    private SystemPeers() {
    }

    public static Path program(String name, String debianPackage) {
        for (String folder : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            Path candidate = Path.of(folder, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(name + " is not installed: run `bash scripts/peers.sh` (mvn verify does it) "
                + "or apt-get install " + debianPackage);
    }
}
