package dev.autotls.internal.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One circuit per CA, for the whole instance, in front of that CA (each CA of {@code autotls.ca}
 * has its own, so a CA that is down never holds back orders to the next). While the CA is
 * failing (no answer, or 5xx) no certificate asks it anything: each job is told to wait, and when the wait is
 * over exactly one job sends a cheap probe (a GET of the directory) that decides whether all
 * resume. So 100 names cost the CA a few requests a minute while it is down, not 100, and
 * once it answers again waiting orders resume within {@link #cap} plus a little jitter.
 *
 * <p>Pure and clock-driven: callers pass {@code now}. Thread-safe.
 */
public final class CaCircuit {
    /** What a job may do now. */
    public sealed interface Admission permits Proceed, Probe, Wait {
    }

    /** The CA is believed well: go ahead. */
    public record Proceed() implements Admission {
    }

    /** The wait is over and this caller sends the probe; report with {@link #succeeded} or {@link #failed}. */
    public record Probe() implements Admission {
    }

    /** Do not contact the CA before {@code until}. */
    public record Wait(Instant until) implements Admission {
    }

    private final Backoff backoff;
    private final Duration cap;
    private int failures;
    private Instant openUntil;
    private boolean probing;
    private Instant probeStarted;

    /** Waits from {@code initial} doubling to {@code cap} (with the back-off's jitter) while failures go on. */
    public CaCircuit(Backoff backoff, Duration cap) {
        this.backoff = backoff;
        this.cap = cap;
    }

    /** 10 s after the first failure, doubling to at most 30 s: two or three probes a minute while the CA is down. */
    public static CaCircuit standard(java.util.random.RandomGenerator random) {
        Duration cap = Duration.ofSeconds(30);
        return new CaCircuit(new Backoff(Duration.ofSeconds(10), cap, random), cap);
    }

    public synchronized Admission admit(Instant now) {
        if (openUntil == null) {
            return new Proceed();
        }
        if (now.isBefore(openUntil)) {
            return new Wait(openUntil);
        }
        // a probe that never reported (its job died) must not hold every certificate for ever
        if (probing && now.isBefore(probeStarted.plus(cap))) {
            return new Wait(now.plus(Duration.ofSeconds(2)));
        }
        probing = true;
        probeStarted = now;
        return new Probe();
    }

    /** The CA answered: everything resumes. */
    public synchronized void succeeded() {
        failures = 0;
        openUntil = null;
        probing = false;
    }

    /**
     * The CA failed as a whole: nobody contacts it before the back-off (growing with
     * consecutive failures) or its Retry-After, whichever is later.
     */
    public synchronized void failed(Instant now, Optional<Instant> retryAfter) {
        failures++;
        Instant until = now.plus(backoff.delay(failures));
        if (retryAfter.isPresent() && retryAfter.get().isAfter(until)) {
            until = retryAfter.get();
        }
        if (openUntil == null || until.isAfter(openUntil)) {
            openUntil = until;
        }
        probing = false;
    }

    /** Whether the CA is currently believed to be failing. */
    public synchronized boolean isOpen() {
        return openUntil != null;
    }

    /** When the CA may next be asked, if it is failing. */
    public synchronized Optional<Instant> openUntil() {
        return Optional.ofNullable(openUntil);
    }
}
