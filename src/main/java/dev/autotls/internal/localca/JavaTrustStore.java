package dev.autotls.internal.localca;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.List;

/**
 * A PKCS12 trust store file for Java programs: this JDK's default roots and the local root, so a
 * JVM started with it still trusts public sites. Java reads no NSS database and no system store
 * unless told, hence the {@code -Djavax.net.ssl.trustStore} line it prints.
 */
public final class JavaTrustStore implements TrustPlace {
    /** The password Java's own cacerts uses; the file holds public certificates only, so it guards nothing secret. */
    static final String PASSWORD = "changeit";
    private static final String ALIAS_PREFIX = "autotls-local-ca-";

    private final Path file;

    public JavaTrustStore(Path file) {
        this.file = file;
    }

    /** Under {@code $XDG_CONFIG_HOME/autotls} (or {@code ~/.config/autotls}) of this user. */
    public static Path defaultFile(Path home, String xdgConfigHome) {
        Path base = xdgConfigHome != null && !xdgConfigHome.isBlank() ? Path.of(xdgConfigHome) : home.resolve(".config");
        return base.resolve("autotls").resolve("java-truststore.p12");
    }

    /** The options that make a JVM use {@code file}. */
    public static String options(Path file) {
        return "-Djavax.net.ssl.trustStore=" + file + " -Djavax.net.ssl.trustStorePassword=" + PASSWORD;
    }

    @Override
    public List<String> trust(Authority authority) throws IOException {
        String alias = ALIAS_PREFIX + authority.shortFingerprint().toLowerCase(java.util.Locale.ROOT);
        try {
            KeyStore store = Files.exists(file) ? read(file) : jdkRoots();
            Certificate held = store.getCertificate(alias);
            if (authority.root().equals(held)) {
                return List.of("Java trust store " + file + ": already holds the local root; run Java with " + options(file));
            }
            store.setCertificateEntry(alias, authority.root());
            write(store);
            return List.of("Java trust store " + file + ": added the local root (beside this JDK's " + (store.size() - 1)
                    + " default roots); run Java with " + options(file));
        } catch (GeneralSecurityException e) {
            return List.of("Java trust store " + file + ": not changed: it cannot be read as PKCS12 with password " + PASSWORD
                    + " (" + e.getMessage() + "); move it away and run trust again.");
        }
    }

    @Override
    public List<String> untrust(Authority authority) throws IOException {
        if (!Files.exists(file)) {
            return List.of("Java trust store " + file + ": not there; nothing to remove.");
        }
        String alias = ALIAS_PREFIX + authority.shortFingerprint().toLowerCase(java.util.Locale.ROOT);
        try {
            KeyStore store = read(file);
            if (!store.containsAlias(alias)) {
                return List.of("Java trust store " + file + ": does not hold the local root; nothing to remove.");
            }
            store.deleteEntry(alias);
            boolean ours = Collections.list(store.aliases()).stream().noneMatch(a -> a.startsWith(ALIAS_PREFIX));
            if (ours) { // what is left is only the copy of the JDK's roots that trust made
                Files.delete(file);
                return List.of("Java trust store " + file + ": deleted (it held the local root and copies of the JDK's "
                        + "roots); drop the -Djavax.net.ssl.trustStore options.");
            }
            write(store);
            return List.of("Java trust store " + file + ": removed the local root; another site's root stays.");
        } catch (GeneralSecurityException e) {
            return List.of("Java trust store " + file + ": not changed: it cannot be read as PKCS12 (" + e.getMessage() + ").");
        }
    }

    @Override
    public boolean holds(Authority authority) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        try {
            return authority.root().equals(read(file).getCertificate(authority.trustAlias()));
        } catch (GeneralSecurityException unreadable) {
            return false; // trust says what is wrong with the file
        }
    }

    private void write(KeyStore store) throws IOException, GeneralSecurityException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        store.store(bytes, PASSWORD.toCharArray());
        TrustFiles.createPrivateFolder(file.toAbsolutePath().getParent());
        TrustFiles.write(file, bytes.toByteArray());
    }

    private static KeyStore read(Path path) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    /** A new PKCS12 store holding the trusted certificates of this JDK's cacerts. */
    private static KeyStore jdkRoots() throws IOException, GeneralSecurityException {
        KeyStore result = KeyStore.getInstance("PKCS12");
        result.load(null, null);
        Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
        if (Files.exists(cacerts)) {
            KeyStore jdk = KeyStore.getInstance(cacerts.toFile(), PASSWORD.toCharArray());
            for (String alias : Collections.list(jdk.aliases())) {
                if (jdk.isCertificateEntry(alias)) {
                    result.setCertificateEntry(alias, jdk.getCertificate(alias));
                }
            }
        }
        return result;
    }
}
