package dev.autotls.internal.localca;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.internal.store.FileCertificateStore;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java trust store file {@code trust} writes: rebuilt from this JDK's roots each time, and removed only when nothing else is in it. */
class JavaTrustStoreTest {
    @TempDir
    Path folder;

    private Authority authority(String name) throws Exception {
        return new AuthorityStore(new FileCertificateStore(folder.resolve(name)), Clock.systemUTC()).loadOrCreate();
    }

    private static KeyStore read(Path file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, JavaTrustStore.PASSWORD.toCharArray());
        }
        return store;
    }

    private static void write(KeyStore store, Path file) throws Exception {
        try (var out = Files.newOutputStream(file)) {
            store.store(out, JavaTrustStore.PASSWORD.toCharArray());
        }
    }

    private static Set<Certificate> certificates(KeyStore store) throws Exception {
        Set<Certificate> all = new HashSet<>();
        for (String alias : Collections.list(store.aliases())) {
            all.add(store.getCertificate(alias));
        }
        return all;
    }

    @Test
    void untrustKeepsTheFileWhenItHoldsARootThatIsNotTheJdks() throws Exception {
        Path file = folder.resolve("trust.p12");
        JavaTrustStore place = new JavaTrustStore(file);
        Authority ours = authority("ours");
        Authority someoneElses = authority("other");
        place.trust(ours);
        KeyStore withAnother = read(file);
        withAnother.setCertificateEntry("company root", someoneElses.root()); // added by hand after trust
        write(withAnother, file);

        List<String> lines = place.untrust(ours);

        assertThat(lines).singleElement().asString().contains(": removed the local root;");
        KeyStore left = read(file);
        assertThat(left.containsAlias(ours.trustAlias())).isFalse();
        assertThat(left.getCertificate("company root")).isEqualTo(someoneElses.root());
    }

    @Test
    void untrustDeletesTheFileWhenOnlyTheJdksRootsRemain() throws Exception {
        Path file = folder.resolve("trust.p12");
        JavaTrustStore place = new JavaTrustStore(file);
        Authority ours = authority("ours");
        place.trust(ours);
        assertThat(place.untrust(ours)).singleElement().asString().contains(": deleted");
        assertThat(file).doesNotExist();
    }

    @Test
    void trustRebuildsFromThisJdksRootsSoADroppedRootIsNotKept() throws Exception {
        Path file = folder.resolve("trust.p12");
        JavaTrustStore place = new JavaTrustStore(file);
        Authority ours = authority("ours");
        Authority otherSite = authority("other-site");
        Authority droppedByTheJdk = authority("dropped");
        place.trust(otherSite);
        KeyStore old = read(file);
        old.setCertificateEntry("oldroot [jdk]", droppedByTheJdk.root()); // as if an older JDK had it
        write(old, file);

        List<String> lines = place.trust(ours);

        assertThat(lines).singleElement().asString().contains(": added the local root (beside this JDK's ")
                .contains("1 roots this JDK no longer has were left out");
        KeyStore rebuilt = read(file);
        assertThat(certificates(rebuilt)).doesNotContain(droppedByTheJdk.root())
                .contains(ours.root(), otherSite.root());
        assertThat(place.holds(ours)).isTrue();
        assertThat(place.trust(ours)).singleElement().asString().contains(": already holds the local root");
    }

    @Test
    void aFileThatIsNoPkcs12IsLeftAloneWithASentence() throws Exception {
        Path file = folder.resolve("trust.p12");
        Files.writeString(file, "not PKCS12");
        JavaTrustStore place = new JavaTrustStore(file);
        Authority ours = authority("ours");
        assertThat(place.trust(ours)).containsExactly("Java trust store " + file + ": not changed: it is not PKCS12 with "
                + "password changeit; move it away and run trust again.");
        assertThat(place.holds(ours)).isFalse();
        assertThat(Files.readString(file)).isEqualTo("not PKCS12");
    }
}
