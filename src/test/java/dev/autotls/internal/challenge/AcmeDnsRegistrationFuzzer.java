package dev.autotls.internal.challenge;

import dev.autotls.fuzz.FuzzInput;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target (scripts/fuzz.sh): the input as a stored acme-dns registration
 * ({@code acme-dns/<server>/<name>.json}), read by {@link AcmeDnsClient#fromJson}. It gives a
 * registration a client can use (username, password and full domain, as registering
 * demands of a server's answer) that survives writing and reading back, or an
 * {@link IOException} with a message.
 */
public final class AcmeDnsRegistrationFuzzer {
    private static final URI SERVER = URI.create("https://acme-dns.test/");

    private AcmeDnsRegistrationFuzzer() {
    }

    /** Called by Jazzer before the first input: one registration read, so loading Jackson is outside each input's time limit. */
    public static void fuzzerInitialize() throws IOException {
        fuzzerTestOneInput("{\"username\":\"u\",\"password\":\"p\",\"fulldomain\":\"f.test\"}"
                .getBytes(StandardCharsets.UTF_8));
    }

    public static void fuzzerTestOneInput(byte[] data) throws IOException {
        AcmeDnsClient.Registration registration;
        try {
            registration = AcmeDnsClient.fromJson(data);
        } catch (IOException e) {
            FuzzInput.expected(e);
            return;
        }
        if (registration.username().isEmpty() || registration.password().isEmpty() || registration.fulldomain().isEmpty()) {
            throw new AssertionError("read a registration without credentials: " + registration);
        }
        if (!AcmeDnsClient.fromJson(AcmeDnsClient.toJson(registration, SERVER)).equals(registration)) {
            throw new AssertionError("writing and reading back changed " + registration);
        }
    }
}
