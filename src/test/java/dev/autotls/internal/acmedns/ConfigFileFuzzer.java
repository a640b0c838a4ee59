package dev.autotls.internal.acmedns;

import dev.autotls.acmedns.ResponderConfig;
import dev.autotls.fuzz.FuzzInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz target (scripts/fuzz.sh): the input as acme-dns's {@code config.cfg}, read as the
 * responder reads it at start-up: {@link ConfigFile#read}, then the zone built from its
 * settings and {@code records}. Either gives a configuration, or an {@link IOException} whose
 * message says what to fix; nothing else escapes.
 */
public final class ConfigFileFuzzer {
    private static final Path FILE = file();

    private ConfigFileFuzzer() {
    }

    /** Called by Jazzer before the first input: one file read, so loading the TOML reader is outside each input's time limit. */
    public static void fuzzerInitialize() throws IOException {
        fuzzerTestOneInput(("[general]\ndomain = \"a.test\"\nrecords = [\"a.test. A 192.0.2.1\"]\n"
                + "[database]\nconnection = \"x.db\"\n").getBytes(StandardCharsets.UTF_8));
    }

    public static void fuzzerTestOneInput(byte[] data) throws IOException {
        Files.write(FILE, data);
        ResponderConfig config;
        try {
            config = ConfigFile.read(FILE);
        } catch (IOException e) {
            FuzzInput.expected(e);
            return;
        }
        try {
            new Zone(config, 2026112501L);
        } catch (IOException e) {
            FuzzInput.expected(e);
        }
    }

    private static Path file() {
        try {
            Path folder = Files.createTempDirectory("config-fuzz");
            folder.toFile().deleteOnExit();
            Path file = folder.resolve("config.cfg");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
