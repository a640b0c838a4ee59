package dev.autotls.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the fuzz targets share: one input cut into parts at lines that read {@code ----}
 * (so a seed or a crashing input stays readable as text), and the check that an exception a
 * function documents carries a message a person can act on.
 */
public final class FuzzInput {
    private static final byte[] SEPARATOR = "\n----\n".getBytes(StandardCharsets.US_ASCII);

    private FuzzInput() {
    }

    /** The input cut at each {@code \n----\n}, into at most {@code max} parts (the last keeps any further separators). */
    public static List<byte[]> parts(byte[] data, int max) {
        List<byte[]> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i + SEPARATOR.length <= data.length && parts.size() < max - 1; i++) {
            if (Arrays.equals(data, i, i + SEPARATOR.length, SEPARATOR, 0, SEPARATOR.length)) {
                parts.add(Arrays.copyOfRange(data, start, i));
                start = i + SEPARATOR.length;
                i = start - 1;
            }
        }
        parts.add(Arrays.copyOfRange(data, start, data.length));
        return parts;
    }

    /** An input kept in src/test/resources/fuzz/TARGET/, for the unit test that explains the finding it records. */
    public static byte[] saved(String target, String name) throws IOException {
        try (InputStream in = FuzzInput.class.getResourceAsStream("/fuzz/" + target + "/" + name)) {
            if (in == null) {
                throw new IOException("no saved fuzz input fuzz/" + target + "/" + name + " on the test class path");
            }
            return in.readAllBytes();
        }
    }

    public static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** A documented "bad input" exception: fine, as long as it says what was wrong. */
    public static void expected(Exception e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            throw new AssertionError("the documented exception has no message for a person", e);
        }
    }
}
