package dev.autotls.testing;

import dev.autotls.AutoTls;
import java.nio.file.Path;

/** The builder every Pebble-backed test starts from: one Pebble, one storage folder, http-01. */
public final class PebbleSites {
    private PebbleSites() {
    }

    public static AutoTls.Builder http01(Pebble pebble, Path storage, String... names) {
        return AutoTls.builder().ignoreSystemSettings()
                .domains(names)
                .ca(pebble.directory().toString()).caTrust(pebble.listenerTrust())
                .storage(storage).challenge("http-01")
                .httpPort(pebble.httpPort).httpsPort(0).agreeToTermsOfService(true);
    }
}
