package dev.autotls.internal.localca;

import dev.autotls.internal.store.Pem;
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
    /** The command that does it, for when it was not asked for. */
    private final String command;
    private final Path home;

    public SystemTrust(boolean asked, String command, Path home) {
        this.asked = asked;
        this.command = command;
        this.home = home;
    }

    @Override
    public List<String> trust(Authority authority) throws IOException, InterruptedException {
        Optional<String> refusal = refusal();
        if (refusal.isPresent()) {
            return List.of(refusal.get());
        }
        Kind kind = kind().orElseThrow();
        Path target = kind.folder.resolve(fileName(authority));
        byte[] pem = Pem.encodeChain(List.of(authority.root()));
        if (Files.exists(target) && Arrays.equals(Files.readAllBytes(target), pem)) {
            return List.of("System store: already holds " + target + ".");
        }
        TrustFiles.write(target, pem);
        return List.of(update(kind, "added " + target));
    }

    @Override
    public List<String> untrust(Authority authority) throws IOException, InterruptedException {
        Optional<String> refusal = refusal();
        if (refusal.isPresent()) {
            return List.of(refusal.get().replace("trust the root", "remove the root").replace(" trust ", " untrust "));
        }
        Kind kind = kind().orElseThrow();
        Path target = kind.folder.resolve(fileName(authority));
        if (!Files.deleteIfExists(target)) {
            return List.of("System store: does not hold " + target + "; nothing to remove.");
        }
        return List.of(update(kind, "removed " + target));
    }

    private Optional<String> refusal() {
        if (!asked) {
            return Optional.of("System store (curl, Python, ...): not changed (only with --system, as root); to trust the root "
                    + "there too, run: " + command);
        }
        if (!"root".equals(ProcessHandle.current().info().user().orElse(""))) {
            return Optional.of("System store: not changed: --system needs root, and this is "
                    + ProcessHandle.current().info().user().orElse("another user") + "; run: " + command);
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
        Programs.Result result = Programs.run(List.of(Programs.find(kind.updater).orElseThrow().toString()), home);
        return "System store: " + done + (result.ok() ? " and ran " + kind.updater + " (" + result.lastLine() + ")."
                : ", but " + kind.updater + " failed (" + result.lastLine() + "); run it again as root.");
    }

    /** Debian's tool reads only {@code .crt} files. */
    private static String fileName(Authority authority) {
        return "autotls-local-ca-" + authority.shortFingerprint().toLowerCase(java.util.Locale.ROOT) + ".crt";
    }

    private record Kind(Path folder, String updater) {
    }
}
