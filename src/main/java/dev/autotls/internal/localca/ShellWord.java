package dev.autotls.internal.localca;

import java.util.regex.Pattern;

/**
 * Text as one POSIX shell word, for the command lines {@code trust} prints for a person to copy
 * (never run by autotls: programs are run as argument lists).
 */
public final class ShellWord {
    /** What a POSIX shell takes as one word without quotes. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9@%+=:,./_-]+");

    private ShellWord() {
    }

    /** {@code text} as it is when it needs no quotes, else in single quotes (a quote inside as {@code '\''}). */
    public static String of(String text) {
        if (PLAIN.matcher(text).matches()) {
            return text;
        }
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
