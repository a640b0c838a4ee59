package dev.autotls.internal.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Decides when a certificate is renewed.
 *
 * <p>With a renewal window from the CA (ARI, RFC 9773) the renewal time is a random
 * instant inside the window, so a fleet spreads its renewals as the CA asks. Without one,
 * renewal starts when a third of the lifetime is left, moved earlier by up to 1 % of the
 * lifetime at random. A time already past means "renew now". Either way the certificate
 * is looked at again no later than {@link #MAX_RECHECK} from now (ARI windows can move,
 * e.g. after a mass revocation). A certificate is never renewed within
 * {@link #MIN_AGE} of its issuance, so a CA (or a clock) that calls every new certificate
 * due at once cannot draw the client into an ordering loop. Both bounds shrink to a tenth of
 * the lifetime for short-lived certificates (6-day certificates, test CAs), so they still
 * renew in time.
 */
public final class RenewalPolicy {
    /** The longest a certificate goes without another look. */
    public static final Duration MAX_RECHECK = Duration.ofHours(6);
    /** The least time between issuance and renewal of the same certificate. */
    public static final Duration MIN_AGE = Duration.ofHours(1);

    private final RandomGenerator random;

    public RenewalPolicy(RandomGenerator random) {
        this.random = random;
    }

    /** A renewal window suggested by the CA. */
    public record Window(Instant start, Instant end) {
        public Window {
            if (end.isBefore(start)) {
                throw new IllegalArgumentException("renewal window ends (" + end + ") before it starts (" + start + ")");
            }
        }
    }

    /** What to do next for one certificate. */
    public record Plan(Instant renewAt, Instant recheckAt, String reason) {
        public boolean renewNow(Instant now) {
            return !renewAt.isAfter(now);
        }
    }

    /**
     * The plan for a certificate valid from {@code notBefore} to {@code notAfter}, issued
     * (stored) at {@code issuedAt} by the maintenance clock.
     *
     * @param window       the CA's renewal window, if it offers ARI
     * @param ariRetryAfter when the CA wants its window asked again, if it said so
     */
    public Plan plan(Instant notBefore, Instant notAfter, Instant issuedAt, Optional<Window> window,
                     Optional<Instant> ariRetryAfter, Instant now) {
        Instant renewAt;
        String reason;
        if (window.isPresent()) {
            Window w = window.get();
            long spread = Math.max(0, Duration.between(w.start(), w.end()).toMillis());
            renewAt = w.start().plusMillis(spread == 0 ? 0 : random.nextLong(spread));
            reason = "inside the CA's renewal window " + w.start() + " .. " + w.end();
        } else {
            Duration lifetime = Duration.between(notBefore, notAfter);
            long jitter = Math.max(1, lifetime.toMillis() / 100);
            renewAt = notAfter.minus(lifetime.dividedBy(3)).minusMillis(random.nextLong(jitter));
            reason = "a third of the lifetime before expiry";
        }
        Duration tenth = Duration.between(notBefore, notAfter).dividedBy(10);
        Duration minAge = shorter(MIN_AGE, tenth);
        Instant earliest = issuedAt.plus(minAge);
        if (renewAt.isBefore(earliest)) {
            renewAt = earliest;
            reason = reason + ", but not within " + minAge.toMinutes() + " min of issuance";
        }
        Instant recheck = now.plus(shorter(MAX_RECHECK, longer(tenth, Duration.ofMinutes(1))));
        if (ariRetryAfter.isPresent() && ariRetryAfter.get().isAfter(now) && ariRetryAfter.get().isBefore(recheck)) {
            recheck = ariRetryAfter.get();
        }
        if (renewAt.isBefore(recheck)) {
            recheck = renewAt;
        }
        return new Plan(renewAt, recheck, reason);
    }

    private static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration longer(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
