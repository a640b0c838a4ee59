package dev.autotls.internal.config;

/** Which certificates the built-in local CA issues, from {@code autotls.ca}. */
public enum LocalCaUse {
    /**
     * {@code autotls.ca} names ACME CAs: they get every certificate but those of {@code localhost} and
     * names under it, which no ACME CA can validate.
     */
    OFF,
    /** {@code autotls.ca} is not set: it issues the certificates whose names are all local; the others go to the default CA. */
    LOCAL_NAMES,
    /** {@code autotls.ca = local}: it issues every certificate, and a public name is refused at start. */
    ALL
}
