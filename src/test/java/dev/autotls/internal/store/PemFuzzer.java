package dev.autotls.internal.store;

import dev.autotls.fuzz.FuzzInput;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Fuzz target (scripts/fuzz.sh): the input as a stored PEM file, read by each of
 * {@link Pem#decodeKeyPair}, {@link Pem#decodeChain} and {@link Pem#decodePrivateKey}.
 * Each gives what it promises (both halves of a pair, a non-empty chain, a key) or a
 * {@link CorruptDataException} with a message; nothing else escapes.
 */
public final class PemFuzzer {
    private PemFuzzer() {
    }

    public static void fuzzerTestOneInput(byte[] data) {
        try {
            KeyPair pair = Pem.decodeKeyPair(data, "privkey.pem");
            if (pair.getPrivate() == null || pair.getPublic() == null) {
                throw new AssertionError("a key pair without both halves");
            }
        } catch (CorruptDataException e) {
            FuzzInput.expected(e);
        }
        try {
            List<X509Certificate> chain = Pem.decodeChain(data, "fullchain.pem");
            if (chain.isEmpty() || chain.contains(null)) {
                throw new AssertionError("an empty chain, or one with a hole: " + chain);
            }
        } catch (CorruptDataException e) {
            FuzzInput.expected(e);
        }
        try {
            PrivateKey key = Pem.decodePrivateKey(data, "key.pem");
            if (key == null) {
                throw new AssertionError("no key and no exception");
            }
        } catch (CorruptDataException e) {
            FuzzInput.expected(e);
        }
    }
}
