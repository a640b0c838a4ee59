package dev.autotls.internal.localca;

import java.nio.file.Path;

/** Where this user's programs look for trusted roots, found from the environment as those programs find it. */
public final class UserTrust {
    private UserTrust() {
    }

    /** The user's home as its programs see it: {@code $HOME} (Java's user.home ignores it). */
    public static Path home() {
        String home = System.getenv("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home")).toAbsolutePath();
    }

    /** The NSS databases of Chromium and Firefox under {@link #home}. */
    public static NssTrust nss() {
        return new NssTrust(home());
    }

    /** The Java trust store file {@code trust} writes for this user. */
    public static JavaTrustStore javaTrustStore() {
        return new JavaTrustStore(JavaTrustStore.defaultFile(home(), System.getenv("XDG_CONFIG_HOME")));
    }
}
