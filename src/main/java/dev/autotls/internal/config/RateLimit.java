package dev.autotls.internal.config;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A limit written {@code N/duration} ({@code 20/1m}: at most 20 in any minute), as the on-demand
 * settings and the CA limits write it, and the sliding-window decision it makes over the times of
 * what it already let through. Immutable.
 *
 * @param count how many may happen in any window, at least 1
 * @param per   the window's length, positive
 */
public record RateLimit(int count, Duration per) {
    private static final Pattern FORM = Pattern.compile("(\\d{1,9})\\s*/\\s*(\\S+)");

    public RateLimit {
        if (count < 1 || per.isZero() || per.isNegative()) {
            throw new IllegalArgumentException("a limit needs a count of at least 1 and a positive duration, not " + count + "/" + per);
        }
    }

    /**
     * Reads {@code 10/1m}, {@code 20/30s}, {@code 100/1h}, {@code 5/1d} (the duration as
     * {@link Durations#parse} reads it).
     *
     * @throws IllegalArgumentException naming the text and the form expected
     */
    public static RateLimit parse(String text) {
        Matcher matcher = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (matcher.matches()) {
            int count = Integer.parseInt(matcher.group(1));
            Optional<Duration> per = Durations.parse(matcher.group(2));
            if (count >= 1 && per.isPresent()) {
                return new RateLimit(count, per.get());
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a limit; write N/duration with N at least 1, "
                + "e.g. 10/1m (ten a minute), 20/30s or 100/1h");
    }

    /**
     * When one more may happen, given the times of those let through before: empty when one may
     * happen {@code now}, else the instant the oldest of the last {@link #count} in the window
     * leaves it. Times outside the window count for nothing; their order does not matter.
     */
    public Optional<Instant> nextSlot(List<Instant> earlier, Instant now) {
        Instant windowStart = now.minus(per);
        List<Instant> inWindow = earlier.stream().filter(t -> t.isAfter(windowStart)).sorted().toList();
        if (inWindow.size() < count) {
            return Optional.empty();
        }
        return Optional.of(inWindow.get(inWindow.size() - count).plus(per));
    }

    @Override
    public String toString() {
        return count + "/" + Durations.format(per);
    }
}
