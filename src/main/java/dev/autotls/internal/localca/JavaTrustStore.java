package dev.autotls.internal.localca;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A PKCS12 trust store file for Java programs: this JDK's default roots and the local root, so a
 * JVM started with it still trusts public sites. Java reads no NSS database and no system store
 * unless told, hence the {@code -Djavax.net.ssl.trustStore} line it prints. Every {@code trust}
 * writes it anew from the running JDK's cacerts, so a root a later JDK dropped is not kept; the
 * local roots of other sites in it stay.
 */
public final class JavaTrustStore implements TrustPlace {
    /** The password Java's own cacerts uses; the file holds public certificates only, so it guards nothing secret. */
    static final String PASSWORD = "changeit";

    private final Path file;

    public JavaTrustStore(Path file) {
        this.file = file;
    }

    /** Under {@code $XDG_CONFIG_HOME/autotls} (or {@code ~/.config/autotls}) of this user. */
    public static Path defaultFile(Path home, String xdgConfigHome) {
        Path base = xdgConfigHome != null && !xdgConfigHome.isBlank() ? Path.of(xdgConfigHome) : home.resolve(".config");
        return base.resolve("autotls").resolve("java-truststore.p12");
    }

    /** The options that make a JVM use {@code file}, each one shell word. */
    public static String options(Path file) {
        return ShellWord.of("-Djavax.net.ssl.trustStore=" + file) + " -Djavax.net.ssl.trustStorePassword=" + PASSWORD;
    }

    @Override
    public List<String> trust(Authority authority) throws IOException {
        try {
            KeyStore jdk = jdkRoots();
            KeyStore rebuilt = copy(jdk);
            int dropped = 0;
            if (Files.exists(file)) {
                KeyStore old = read(file);
                Set<Certificate> current = certificates(jdk);
                for (String alias : Collections.list(old.aliases())) {
                    Certificate held = old.getCertificate(alias);
                    if (alias.startsWith(Authority.TRUST_ALIAS_PREFIX) && !alias.equals(authority.trustAlias())) {
                        rebuilt.setCertificateEntry(alias, held); // another site's local root
                    } else if (!alias.startsWith(Authority.TRUST_ALIAS_PREFIX) && held != null && !current.contains(held)) {
                        dropped++;
                    }
                }
            }
            boolean had = holds(authority);
            rebuilt.setCertificateEntry(authority.trustAlias(), authority.root());
            write(rebuilt);
            String done = had ? "already holds the local root (written again with" : "added the local root (beside";
            return List.of("Java trust store " + file + ": " + done + " this JDK's " + jdk.size() + " default roots"
                    + (dropped > 0 ? "; " + dropped + " roots this JDK no longer has were left out" : "")
                    + "); run Java with " + options(file));
        } catch (GeneralSecurityException e) {
            return List.of("Java trust store " + file + ": not changed: " + e.getMessage() + "; move it away and run trust "
                    + "again.");
        }
    }

    @Override
    public List<String> untrust(Authority authority) throws IOException {
        if (!Files.exists(file)) {
            return List.of("Java trust store " + file + ": not there; nothing to remove.");
        }
        String alias = authority.trustAlias();
        try {
            KeyStore store = read(file);
            if (!store.containsAlias(alias)) {
                return List.of("Java trust store " + file + ": does not hold the local root; nothing to remove.");
            }
            store.deleteEntry(alias);
            if (onlyJdkRoots(store)) { // what is left is a copy of the JDK's roots: the file has no more use
                Files.delete(file);
                return List.of("Java trust store " + file + ": deleted (it held the local root and copies of this JDK's "
                        + "roots); drop the -Djavax.net.ssl.trustStore options.");
            }
            write(store);
            return List.of("Java trust store " + file + ": removed the local root; the roots that are not this JDK's own "
                    + "stay.");
        } catch (GeneralSecurityException e) {
            return List.of("Java trust store " + file + ": not changed: " + e.getMessage() + ".");
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

    /** Whether every entry of {@code store} is a certificate this JDK's cacerts holds too. */
    private static boolean onlyJdkRoots(KeyStore store) throws IOException, GeneralSecurityException {
        Set<Certificate> jdk = certificates(jdkRoots());
        for (String alias : Collections.list(store.aliases())) {
            Certificate held = store.getCertificate(alias);
            if (!store.isCertificateEntry(alias) || !jdk.contains(held)) {
                return false;
            }
        }
        return true;
    }

    private void write(KeyStore store) throws IOException, GeneralSecurityException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        store.store(bytes, PASSWORD.toCharArray());
        TrustFiles.createPrivateFolder(file.toAbsolutePath().getParent());
        TrustFiles.write(file, bytes.toByteArray());
    }

    /**
     * The file as a key store. KeyStore.load reports data that is no PKCS12 (or another password) as an
     * IOException, often without a message: that is told apart from a file that cannot be read at all.
     */
    private static KeyStore read(Path path) throws IOException, GeneralSecurityException {
        byte[] data = Files.readAllBytes(path);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new ByteArrayInputStream(data)) {
            store.load(in, PASSWORD.toCharArray());
        } catch (IOException unreadable) {
            throw new KeyStoreException("it is not PKCS12 with password " + PASSWORD, unreadable);
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

    private static KeyStore copy(KeyStore source) throws IOException, GeneralSecurityException {
        KeyStore result = KeyStore.getInstance("PKCS12");
        result.load(null, null);
        for (String alias : Collections.list(source.aliases())) {
            result.setCertificateEntry(alias, source.getCertificate(alias));
        }
        return result;
    }

    private static Set<Certificate> certificates(KeyStore store) throws GeneralSecurityException {
        Set<Certificate> all = new HashSet<>();
        for (String alias : Collections.list(store.aliases())) {
            all.add(store.getCertificate(alias));
        }
        return all;
    }
}
