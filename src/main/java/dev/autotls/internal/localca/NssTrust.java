package dev.autotls.internal.localca;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The NSS databases this user's browsers read: {@code $HOME/.pki/nssdb} (Chromium, and other NSS
 * programs; made when missing) and each Firefox profile's own that exists already, changed through
 * {@code certutil}. The root's nickname holds its fingerprint's start, so it is found again to
 * remove, and two sites' roots never overwrite each other. certutil always gets an empty password
 * file ({@code -f}), so a database with a password fails at once instead of waiting for one typed.
 */
public final class NssTrust implements TrustPlace {
    private final Path home;

    public NssTrust(Path home) {
        this.home = home;
    }

    /** The nickname of {@code authority}'s root in every NSS database. */
    public static String nickname(Authority authority) {
        return "autotls local CA " + authority.shortFingerprint();
    }

    @Override
    public List<String> trust(Authority authority) throws IOException, InterruptedException {
        Optional<Path> certutil = Programs.find("certutil");
        if (certutil.isEmpty()) {
            return List.of("NSS (Chromium, Firefox): not changed: certutil is not installed; install it (Debian, Ubuntu: "
                    + "apt-get install libnss3-tools; Red Hat: dnf install nss-tools) and run trust again.");
        }
        List<String> lines = new ArrayList<>();
        Path shared = sharedDatabase();
        Path password = Files.createTempFile("autotls-nss-", ".pw"); // empty, 0600
        Path pem = Files.createTempFile("autotls-root-", ".pem"); // 0600 by default: only this user reads it
        try {
            if (!Files.exists(shared.resolve("cert9.db"))) {
                TrustFiles.createPrivateFolder(shared);
                Programs.Result made = Programs.run(List.of(certutil.get().toString(), "-N", "-d", "sql:" + shared,
                        "--empty-password"), home);
                if (!made.ok()) {
                    lines.add("NSS database " + shared + ": not changed: could not create it (certutil -N: " + made.lastLine()
                            + ").");
                }
            }
            Files.write(pem, RootExport.pem(authority));
            for (Path database : databases(shared)) {
                lines.add(add(certutil.get(), database, pem, password, authority));
            }
        } finally {
            Files.deleteIfExists(pem);
            Files.deleteIfExists(password);
        }
        return lines;
    }

    @Override
    public List<String> untrust(Authority authority) throws IOException, InterruptedException {
        Optional<Path> certutil = Programs.find("certutil");
        if (certutil.isEmpty()) {
            return List.of("NSS (Chromium, Firefox): not changed: certutil is not installed, so the root cannot be looked "
                    + "for; install it (apt-get install libnss3-tools) and run untrust again.");
        }
        List<String> lines = new ArrayList<>();
        Path password = Files.createTempFile("autotls-nss-", ".pw");
        try {
            for (Path database : databases(sharedDatabase())) {
                String nickname = nickname(authority);
                if (!holds(certutil.get(), database, nickname)) {
                    lines.add("NSS database " + database + ": does not hold \"" + nickname + "\"; nothing to remove.");
                    continue;
                }
                Programs.Result removed = Programs.run(List.of(certutil.get().toString(), "-D", "-d", "sql:" + database,
                        "-f", password.toString(), "-n", nickname), home);
                lines.add("NSS database " + database + (removed.ok() ? ": removed \"" + nickname + "\"."
                        : ": could not remove \"" + nickname + "\" (certutil -D: " + removed.lastLine() + ")."));
            }
        } finally {
            Files.deleteIfExists(password);
        }
        return lines;
    }

    /** Whether the shared database ({@code $HOME/.pki/nssdb}, Chromium's) holds the root; false without certutil. */
    @Override
    public boolean holds(Authority authority) throws IOException, InterruptedException {
        Optional<Path> certutil = Programs.find("certutil");
        Path shared = sharedDatabase();
        return certutil.isPresent() && Files.exists(shared.resolve("cert9.db")) && holds(certutil.get(), shared, nickname(authority));
    }

    private Path sharedDatabase() {
        return home.resolve(".pki").resolve("nssdb");
    }

    private String add(Path certutil, Path database, Path pem, Path password, Authority authority)
            throws IOException, InterruptedException {
        String nickname = nickname(authority);
        if (holds(certutil, database, nickname)) {
            return "NSS database " + database + ": already trusts \"" + nickname + "\".";
        }
        // C,, : a CA trusted to issue server certificates, and nothing else
        Programs.Result added = Programs.run(List.of(certutil.toString(), "-A", "-d", "sql:" + database, "-f",
                password.toString(), "-t", "C,,", "-n", nickname, "-a", "-i", pem.toString()), home);
        return "NSS database " + database + (added.ok() ? ": added \"" + nickname + "\" (trusted for websites)."
                : ": not changed: certutil -A failed (" + added.lastLine() + ").");
    }

    /** Listing a certificate reads no private part, so it needs no password. */
    private boolean holds(Path certutil, Path database, String nickname) throws IOException, InterruptedException {
        return Programs.run(List.of(certutil.toString(), "-L", "-d", "sql:" + database, "-n", nickname), home).ok();
    }

    /** The shared database if it exists, then every Firefox profile that has a database of its own. */
    private List<Path> databases(Path shared) throws IOException {
        List<Path> found = new ArrayList<>();
        if (Files.exists(shared.resolve("cert9.db"))) {
            found.add(shared);
        }
        Path firefox = home.resolve(".mozilla").resolve("firefox");
        if (Files.isDirectory(firefox)) {
            try (DirectoryStream<Path> profiles = Files.newDirectoryStream(firefox)) {
                for (Path profile : profiles) {
                    if (Files.exists(profile.resolve("cert9.db"))) {
                        found.add(profile);
                    }
                }
            }
        }
        return found;
    }
}
