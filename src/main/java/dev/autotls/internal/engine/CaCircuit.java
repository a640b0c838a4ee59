package dev.autotls.internal.engine;

import java.time.Duration;
import java.time.Instant;
import dev.autotls.spi.TransientException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One circuit per CA, for the whole instance, in front of that CA (each CA of {@code autotls.ca}
 * has its own, so a CA that is down never holds back orders to the next). While the CA is
 * failing (no answer, or 5xx) no certificate asks it anything: each job is told to wait, and when the wait is
 * over exactly one job sends a cheap probe (a GET of the directory) that decides whether all
 * resume. So 100 names cost the CA a few requests a minute while it is down, not 100, and
 * once it answers again waiting orders resume within {@link #cap} plus a little jitter.
 *
 * <p>The warm start may claim the first contact with the CA ({@link #claimFirstContact}); orders
 * then wait for its answer, so a CA that is down at start is asked once, not once per order
 * worker, and the first order to wait reports that answer as its own failure
 * ({@link #takeUnreported}). That wait is the only one measured in real time
 * ({@link #FIRST_CONTACT_WAIT}), as it waits on a request in flight; everything else is
 * clock-driven: callers pass {@code now}. Thread-safe.
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

    /** How long callers wait for the first contact's answer before they look again later. */
    static final Duration FIRST_CONTACT_WAIT = Duration.ofSeconds(60);

    private final Backoff backoff;
    private final Duration cap;
    /** Whether the CA has answered, or failed as a whole, at least once. */
    private boolean contacted;
    /** The first contact's failure until an order reports it. */
    private TransientException unreported;
    /** The failure counted last, so one failure reported twice is counted once. */
    private TransientException lastCause;
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

    /**
     * What a job may do now. While the warm start makes the first contact with the CA, this
     * blocks until it reports (at most {@link #FIRST_CONTACT_WAIT}).
     */
    public synchronized Admission admit(Instant now) throws InterruptedException {
        long deadline = System.nanoTime() + FIRST_CONTACT_WAIT.toNanos();
        while (!contacted && probing) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return new Wait(now.plus(Duration.ofSeconds(2)));
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
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

    /**
     * Claims the first contact with the CA for the caller (the warm start), who must then report
     * its outcome ({@link #succeeded}, {@link #firstContactFailed} or {@link #released}); false if
     * the CA has been contacted already or someone else is contacting it.
     */
    public synchronized boolean claimFirstContact(Instant now) {
        if (contacted || probing) {
            return false;
        }
        probing = true;
        probeStarted = now;
        return true;
    }

    /** The CA answered: everything resumes. */
    public synchronized void succeeded() {
        contacted = true;
        failures = 0;
        openUntil = null;
        probing = false;
        notifyAll();
    }

    /** A probe ended without saying anything of the CA (interrupted, or its request never went out): another caller may probe. */
    public synchronized void released() {
        probing = false;
        notifyAll();
    }

    /**
     * The first contact found the CA failing as a whole: as {@link #failed}, and the first order
     * that then waits takes {@code cause} to report as its own failure, so listeners and metrics
     * hear of it once.
     */
    public synchronized void firstContactFailed(Instant now, TransientException cause) {
        failedBy(now, cause);
        unreported = cause;
    }

    /** The first contact's failure, once: for the first order that waits after it. */
    public synchronized Optional<TransientException> takeUnreported() {
        Optional<TransientException> cause = Optional.ofNullable(unreported);
        unreported = null;
        return cause;
    }

    /**
     * As {@link #failed}, counted once per {@code cause}: the first contact's failure, reported
     * again by the order that took it, does not lengthen the wait a second time.
     */
    public synchronized void failedBy(Instant now, TransientException cause) {
        if (cause != lastCause) {
            lastCause = cause;
            failed(now, cause.retryAfter());
        }
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
        contacted = true;
        probing = false;
        notifyAll();
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
