package dev.autotls.internal.cli;

import dev.autotls.ConfigurationException;
import dev.autotls.Setting;
import dev.autotls.cli.Main;
import dev.autotls.internal.config.AutoTlsConfig;
import dev.autotls.internal.config.SettingNames;
import dev.autotls.internal.config.SettingSources;
import dev.autotls.internal.config.StorageSetting;
import dev.autotls.internal.localca.Authority;
import dev.autotls.internal.localca.AuthorityStore;
import dev.autotls.internal.localca.ShellWord;
import dev.autotls.internal.localca.SystemTrust;
import dev.autotls.internal.localca.TrustPlace;
import dev.autotls.internal.localca.UserTrust;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.internal.store.Stores;
import dev.autotls.spi.CertificateStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
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
    private final SettingNames names;

    private LocalRootAccess(StorageSetting storage, SettingNames names) {
        this.storage = storage;
        this.names = names;
    }

    /** @throws ConfigurationException for storage settings that can never work */
    static LocalRootAccess of(CommandSpec spec, PrintWriter err) {
        SettingSources sources = new SettingSources(SettingOptions.given(spec, err), System::getProperty, System::getenv, Map.of());
        return new LocalRootAccess(AutoTlsConfig.storageOf(sources), sources.names());
    }

    /**
     * The stored root, made first when {@code create} and there is none; empty when there is none to
     * read. Root never makes it: under sudo the storage is the user's, and files owned by root there
     * would stop the user's own {@code serve}.
     */
    Optional<Authority> authority(boolean create) throws IOException, InterruptedException {
        boolean root = SystemTrust.runningAsRoot();
        if (root && storage.folder().isPresent()
                && !Files.exists(storage.folder().get().resolve(StorageKeys.localCa(StorageKeys.LOCAL_ROOT)))) {
            return Optional.empty(); // opening a folder store makes the folder and its guard file: not as root, for nothing
        }
        CertificateStore store = Stores.open(storage, names.of(Setting.STORAGE));
        try {
            AuthorityStore authorities = new AuthorityStore(store, Clock.systemUTC(),
                    names.assignment(Setting.STORAGE_KEY, "KEY"));
            return create && !root ? Optional.of(authorities.loadOrCreate()) : authorities.load();
        } finally {
            store.close();
        }
    }

    /** The sentence for a storage that holds no local CA where root may not make one. */
    String noAuthorityYet(String command) {
        return storage + " holds no local CA yet, and " + command + " as root only reads it (files made by root there would "
                + "stop the user's own serve); run serve or trust as the user first, then this again";
    }

    /** One line naming the root and where it is kept. */
    String describe(Authority authority) {
        return "the local CA's root \"" + authority.root().getSubjectX500Principal().getName() + "\" (SHA-256 "
                + authority.fingerprint() + ") from " + storage;
    }

    /**
     * With {@code system}, the system store alone (it is what root is asked to change; the user's
     * NSS and Java files are the user's to change). Otherwise NSS and the Java trust store of this
     * user, and the system store, which then only says the command.
     */
    List<TrustPlace> places(boolean system, String command) {
        SystemTrust systemStore = new SystemTrust(system, asRoot(command));
        if (system) {
            return List.of(systemStore);
        }
        return List.of(UserTrust.nss(), UserTrust.javaTrustStore(), systemStore);
    }

    /**
     * Why root should not change this user's places: {@code sudo} may keep {@code HOME}, and files
     * owned by root in another user's {@code .pki} or {@code .config} would lock that user out of them.
     */
    Optional<String> foreignHome() throws IOException {
        Path home = UserTrust.home();
        if (!SystemTrust.runningAsRoot() || !Files.exists(home) || SystemTrust.ownerIsRoot(home)) {
            return Optional.empty();
        }
        return Optional.of("NSS and Java trust store: not changed: this is root, and HOME (" + home + ") belongs to "
                + "another user; run this as that user (and with --system, as root, for the system store).");
    }

    /** How to do {@code command} for the system store as root: a sentence ending in the command to copy. */
    private String asRoot(String command) {
        String line = systemCommand(jar(), command, storage.folder().map(Path::toString).orElse(storage.toString()));
        if (storage.database().isPresent()) {
            return "as root, with the same storage password and key (sudo -E keeps AUTOTLS_STORAGE_PASSWORD and "
                    + "AUTOTLS_STORAGE_KEY), run: " + line.replaceFirst("^sudo ", "sudo -E ");
        }
        return "as root, run: " + line;
    }

    /**
     * The command line that changes the system store, with this store named, since sudo changes the
     * home and environment; each path is one shell word, quoted when it needs to be.
     */
    static String systemCommand(String jar, String command, String storage) {
        return "sudo java -jar " + ShellWord.of(jar) + " " + command + " --system --storage=" + ShellWord.of(storage);
    }

    /** This jar's path, or its plain name when the classes do not come from a jar (tests, an unusual class loader). */
    private static String jar() {
        CodeSource source = Main.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return "autotls.jar";
        }
        try {
            Path location = Path.of(source.getLocation().toURI());
            return location.toString().endsWith(".jar") ? location.toString() : "autotls.jar";
        } catch (URISyntaxException | IllegalArgumentException e) { // a location that is no file: the plain name still tells
            return "autotls.jar";
        }
    }
}
