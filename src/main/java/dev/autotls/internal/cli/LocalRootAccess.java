package dev.autotls.internal.cli;

import dev.autotls.cli.Main;
import dev.autotls.internal.config.AutoTlsConfig;
import dev.autotls.internal.config.SettingSources;
import dev.autotls.internal.config.StorageSetting;
import dev.autotls.internal.localca.Authority;
import dev.autotls.internal.localca.AuthorityStore;
import dev.autotls.internal.localca.JavaTrustStore;
import dev.autotls.internal.localca.NssTrust;
import dev.autotls.internal.localca.SystemTrust;
import dev.autotls.internal.localca.TrustPlace;
import dev.autotls.internal.store.Stores;
import dev.autotls.spi.CertificateStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What {@code trust}, {@code untrust} and {@code export-root} share: the local CA's root, read from
 * the store {@code serve} would use with the same settings (options, -D, environment), and the
 * places this user's programs look for trusted roots.
 */
final class LocalRootAccess {
    private final StorageSetting storage;

    private LocalRootAccess(StorageSetting storage) {
        this.storage = storage;
    }

    /** @throws dev.autotls.ConfigurationException for storage settings that can never work */
    static LocalRootAccess of(CommandSpec spec, PrintWriter err) {
        SettingSources sources = new SettingSources(SettingOptions.given(spec, err), System::getProperty, System::getenv, Map.of());
        return new LocalRootAccess(AutoTlsConfig.storageOf(sources));
    }

    /** The stored root, made first when {@code create} and there is none; empty when there is none to read. */
    Optional<Authority> authority(boolean create) throws IOException, InterruptedException {
        CertificateStore store = Stores.open(storage, "--storage"); // these commands take their settings as options
        try {
            AuthorityStore authorities = new AuthorityStore(store, Clock.systemUTC());
            return create ? Optional.of(authorities.loadOrCreate()) : authorities.load();
        } finally {
            store.close();
        }
    }

    /** One line naming the root and where it is kept. */
    String describe(Authority authority) {
        return "the local CA's root \"" + authority.root().getSubjectX500Principal().getName() + "\" (SHA-256 "
                + authority.fingerprint() + ") from " + storage;
    }

    /** The user's home as its programs see it: {@code $HOME} (Java's user.home ignores it). */
    static Path home() {
        String home = System.getenv("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home")).toAbsolutePath();
    }

    /** NSS, the Java trust store, and the system store (changed only with {@code system}). */
    List<TrustPlace> places(boolean system, String command) {
        Path home = home();
        return List.of(new NssTrust(home), new JavaTrustStore(JavaTrustStore.defaultFile(home, System.getenv("XDG_CONFIG_HOME"))),
                new SystemTrust(system, systemCommand(command), home));
    }

    /** The command that changes the system store, as root, with this store named (sudo changes the home and environment). */
    private String systemCommand(String command) {
        String jar = "autotls.jar";
        try {
            Path location = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (location.toString().endsWith(".jar")) {
                jar = location.toString();
            }
        } catch (Exception e) { // no code source (an unusual class loader): the jar's plain name still tells the reader
            jar = "autotls.jar";
        }
        String where = storage.folder().map(folder -> " --storage=" + folder)
                .orElseGet(() -> " --storage='" + storage + "' (with AUTOTLS_STORAGE_PASSWORD and AUTOTLS_STORAGE_KEY kept: sudo -E)");
        return "sudo java -jar " + jar + " " + command + " --system" + where;
    }
}
