package dev.autotls.internal.localca;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The system's trust store, which curl, wget, Python and most other programs read: Debian and
 * Ubuntu ({@code /usr/local/share/ca-certificates} and {@code update-ca-certificates}) or Red Hat
 * ({@code /etc/pki/ca-trust/source/anchors} and {@code update-ca-trust}). Changed only when asked
 * ({@code --system}) and run as root; otherwise it says the command that would do it.
 */
public final class SystemTrust implements TrustPlace {
    private static final Path DEBIAN = Path.of("/usr/local/share/ca-certificates");
    private static final Path RED_HAT = Path.of("/etc/pki/ca-trust/source/anchors");

    private final boolean asked;
    /** How to do it as root: a sentence that ends in the command to copy, for when it was not asked for or cannot be done. */
    private final String asRoot;

    public SystemTrust(boolean asked, String asRoot) {
        this.asked = asked;
        this.asRoot = asRoot;
    }

    /** Whether this process runs as uid 0, which alone may change the system store. */
    public static boolean runningAsRoot() {
        try {
            return ownerIsRoot(Path.of("/proc/self")); // the process's own uid, whatever its user is called
        } catch (IOException | UnsupportedOperationException e) { // no /proc: the name is the next best sign
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** Whether {@code path} belongs to uid 0. */
    public static boolean ownerIsRoot(Path path) throws IOException {
        return Integer.valueOf(0).equals(Files.getAttribute(path, "unix:uid"));
    }

    @Override
    public List<String> trust(Authority authority) throws IOException, InterruptedException {
        Optional<String> refusal = refusal("trust the root there too");
        if (refusal.isPresent()) {
            return List.of(refusal.get());
        }
        Kind kind = kind().orElseThrow();
        Path target = kind.folder.resolve(fileName(authority));
        byte[] pem = RootExport.pem(authority);
        if (Files.exists(target) && Arrays.equals(Files.readAllBytes(target), pem)) {
            return List.of("System store: already holds " + target + ".");
        }
        TrustFiles.write(target, pem);
        return List.of(update(kind, "added " + target));
    }

    @Override
    public List<String> untrust(Authority authority) throws IOException, InterruptedException {
        Optional<String> refusal = refusal("remove the root there too");
        if (refusal.isPresent()) {
            return List.of(refusal.get());
        }
        Kind kind = kind().orElseThrow();
        Path target = kind.folder.resolve(fileName(authority));
        if (!Files.deleteIfExists(target)) {
            return List.of("System store: does not hold " + target + "; nothing to remove.");
        }
        return List.of(update(kind, "removed " + target));
    }

    /** Whether the system store's folder holds the root (what the updater then puts in the bundle). */
    @Override
    public boolean holds(Authority authority) throws IOException {
        Optional<Kind> kind = kind();
        if (kind.isEmpty()) {
            return false;
        }
        Path target = kind.get().folder.resolve(fileName(authority));
        return Files.exists(target) && Arrays.equals(Files.readAllBytes(target), RootExport.pem(authority));
    }

    private Optional<String> refusal(String goal) {
        if (!asked) {
            return Optional.of("System store (curl, Python, ...): not changed (only with --system, as root); to " + goal + ", "
                    + asRoot);
        }
        if (!runningAsRoot()) {
            return Optional.of("System store: not changed: --system needs root, and this is "
                    + System.getProperty("user.name") + "; " + asRoot);
        }
        if (kind().isEmpty()) {
            return Optional.of("System store: not changed: neither update-ca-certificates (Debian, Ubuntu) nor update-ca-trust "
                    + "(Red Hat) is installed here; add the root by this system's own means (export-root writes it).");
        }
        return Optional.empty();
    }

    private Optional<Kind> kind() {
        if (Programs.find("update-ca-certificates").isPresent()) {
            return Optional.of(new Kind(DEBIAN, "update-ca-certificates"));
        }
        if (Programs.find("update-ca-trust").isPresent() && Files.isDirectory(RED_HAT)) {
            return Optional.of(new Kind(RED_HAT, "update-ca-trust"));
        }
        return Optional.empty();
    }

    private String update(Kind kind, String done) throws IOException, InterruptedException {
        // root's own home for the updater: nothing of the user's is touched
        Programs.Result result = Programs.run(List.of(Programs.find(kind.updater).orElseThrow().toString()),
                Path.of(System.getProperty("user.home")));
        return "System store: " + done + (result.ok() ? " and ran " + kind.updater + " (" + result.lastLine() + ")."
                : ", but " + kind.updater + " failed (" + result.lastLine() + "); run it again as root.");
    }

    /** Debian's tool reads only {@code .crt} files. */
    private static String fileName(Authority authority) {
        return authority.trustAlias() + ".crt";
    }

    private record Kind(Path folder, String updater) {
    }
}
