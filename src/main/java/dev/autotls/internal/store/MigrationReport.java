package dev.autotls.internal.store;

import java.util.List;

/**
 * What a {@link StoreMigration} did, one line per group of items (an account, a certificate,
 * an acme-dns registration, or something it left out), in the order it found them.
 */
public final class MigrationReport {

    /** What happened to one group. */
    public enum Outcome {
        /** Written to the target (it was missing there, or the target's certificate expired sooner). */
        COPIED("copied"),
        /** The target already held the same thing; nothing written. */
        ALREADY_THERE("already there"),
        /** The target holds a certificate that expires no sooner than the source's; the target's stays. */
        KEPT_TARGET("kept the target's"),
        /** Not copied: unusable in the source, or not part of the layout a migration knows. */
        LEFT_OUT("left out");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }
    }

    /** One group: what it is (names no secret) and why it went as it did. */
    public record Line(Outcome outcome, String what, String detail) {
        @Override
        public String toString() {
            return outcome.label + ": " + what + (detail.isEmpty() ? "" : " (" + detail + ")");
        }
    }

    private final List<Line> lines;
    private final int itemsWritten;

    MigrationReport(List<Line> lines, int itemsWritten) {
        this.lines = List.copyOf(lines);
        this.itemsWritten = itemsWritten;
    }

    public List<Line> lines() {
        return lines;
    }

    /** How many keys were written to the target (0 on a repeated run). */
    public int itemsWritten() {
        return itemsWritten;
    }

    /** How many groups went as {@code outcome} said. */
    public long count(Outcome outcome) {
        return lines.stream().filter(line -> line.outcome() == outcome).count();
    }

    /** Whether the source held anything a migration copies (an empty or wrong folder holds nothing). */
    public boolean foundAnything() {
        return lines.stream().anyMatch(line -> line.outcome() != Outcome.LEFT_OUT);
    }

    /** One sentence for the end of the output. */
    public String summary(String from, String to) {
        String counts = count(Outcome.COPIED) + " copied (" + itemsWritten + " items), " + count(Outcome.ALREADY_THERE)
                + " already there, " + count(Outcome.KEPT_TARGET) + " kept the target's, " + count(Outcome.LEFT_OUT)
                + " left out";
        return (itemsWritten == 0 ? "Nothing to write: " : "Migrated in one write: ") + counts + "; from " + from + " to " + to + ".";
    }
}
