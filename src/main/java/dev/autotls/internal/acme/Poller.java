package dev.autotls.internal.acme;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.shredzone.acme4j.exception.AcmeException;

/**
 * Polls an ACME resource until it settles: the first look comes after a short interval,
 * each next one after a longer one (up to a cap), and never before the CA's
 * {@code Retry-After}. Gives up at a deadline with a message that says what was awaited.
 */
public final class Poller {
    /** A way to wait; tests replace it to run without real waiting. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** One look at the resource: returns the CA's Retry-After, if it sent one. */
    @FunctionalInterface
    public interface Fetch {
        Optional<Instant> fetch() throws AcmeException;
    }

    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration first;
    private final Duration cap;
    private final Duration timeout;

    public Poller(Clock clock, Sleeper sleeper, Duration first, Duration cap, Duration timeout) {
        this.clock = clock;
        this.sleeper = sleeper;
        this.first = first;
        this.cap = cap;
        this.timeout = timeout;
    }

    /** Real time: first look after 25 ms, growing by half each time to at most 2 s, for at most 5 minutes. */
    public static Poller standard() {
        return new Poller(Clock.systemUTC(), duration -> Thread.sleep(duration.toMillis()),
                Duration.ofMillis(25), Duration.ofSeconds(2), Duration.ofMinutes(5));
    }

    /**
     * Fetches until {@code settled} says so (returns at once if it already does).
     *
     * @param what    what is awaited, for the time-out message ("authorization of example.com")
     */
    public void until(String what, Fetch fetch, java.util.function.BooleanSupplier settled)
            throws AcmeException, InterruptedException, dev.autotls.spi.TransientException {
        Instant deadline = clock.instant().plus(timeout);
        Duration interval = first;
        Optional<Instant> retryAfter = Optional.empty();
        while (!settled.getAsBoolean()) {
            Instant now = clock.instant();
            Instant next = now.plus(interval);
            if (retryAfter.isPresent() && retryAfter.get().isAfter(next)) {
                next = retryAfter.get();
            }
            if (next.isAfter(deadline)) {
                throw new dev.autotls.spi.TransientException("gave up waiting for the " + what + " after "
                        + timeout.toSeconds() + " s", null);
            }
            sleeper.sleep(Duration.between(now, next));
            retryAfter = fetch.fetch();
            long grown = interval.toMillis() * 3 / 2;
            interval = Duration.ofMillis(Math.min(grown, cap.toMillis()));
        }
    }
}
