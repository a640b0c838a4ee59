package dev.autotls.internal.localca;

import dev.autotls.internal.store.Pem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The root certificate alone as PEM, the form every trust store imports; never its key. */
public final class RootExport {
    private RootExport() {
    }

    /** The root of {@code authority} as one PEM {@code CERTIFICATE} block (US-ASCII), the bytes every trust place stores. */
    public static byte[] pem(Authority authority) {
        return Pem.encodeChain(List.of(authority.root()));
    }

    /** Replaces {@code file} with the root's PEM, whole or not at all. */
    public static void write(Authority authority, Path file) throws IOException {
        TrustFiles.write(file.toAbsolutePath(), pem(authority));
    }
}
