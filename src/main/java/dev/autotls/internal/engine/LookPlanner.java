package dev.autotls.internal.engine;

import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.CertificateStore.NextLook;
import dev.autotls.spi.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * When each certificate of one engine is looked at next, with one timer for all of them: 100,000
 * names cost one scheduled task and bounded reads of the store, not a timer and a read each.
 *
 * <p>Each job's outcome is kept in the store as the certificate's next look, beside its expiry
 * ({@link CertificateStore#saveNextLook}), so every instance of a cluster plans from the same
 * index. The planner asks that index for the soonest looks ({@link CertificateStore#nextLooks})
 * and keeps in memory only those due soon ({@link WakeUps}): the ones a poll found, and the ones
 * the index cannot answer for (a first look: nothing stored, names changed, stored by a version
 * that kept no next looks; an operator's renewal; a look that could not be saved). It sleeps on
 * one scheduled wake-up: the earliest of those and the next poll.
 *
 * <p>Contract:
 * <ul>
 * <li>{@link #start} returns at once; the first wake-up, on the scheduler, reads the whole index
 * once and gives each managed certificate its first look by the manager's rule ({@link FirstLook}).
 * While the index cannot be read, only what cannot wait is looked at, and it is read again every
 * {@link #POLL}. After that each poll reads the looks due within {@link #HORIZON}, at most
 * {@link #BATCH} beyond those it must skip (jobs handed, certificates not managed, looks it could
 * not save), every {@link #POLL} and sooner when a batch was full, so looks other instances save
 * are seen within a poll.</li>
 * <li>One job per certificate at a time: a certificate handed to the workers (queued or running) is
 * not handed again, and a look asked for meanwhile ({@link #lookAt}) comes right after its job. At
 * most {@link #BATCH} jobs wait for a worker; the rest wait here, soonest first.</li>
 * <li>When a job ends its next look is saved. A failure to save it is said at debug and never fails
 * the job: the look is kept in memory instead (the older one in the index is ignored meanwhile) and
 * saved with the next job.</li>
 * <li>Looks kept for certificates that are not managed are ignored. Two instances may look at one
 * certificate at once; the job's lease and second read keep it from being ordered twice.</li>
 * </ul>
 */
final class LookPlanner {
    /** How many looks a poll reads, beyond those it skips, and how many jobs wait for a worker at most. */
    static final int BATCH = 100;
    /** How often the index is read for the next due looks, including those other instances saved. */
    static final Duration POLL = Duration.ofMinutes(1);
    /** A poll keeps in memory the looks due before this from now: longer than {@link #POLL}, so none falls between two. */
    static final Duration HORIZON = POLL.multipliedBy(2);

    /** One look at one certificate, on a worker: the manager's job. */
    @FunctionalInterface
    interface Job {
        /** Looks at {@code certificate}; its next look, or null when it plans none (stopping, no longer managed). */
        Instant look(ManagedCertificate certificate);
    }

    /** The manager's rule for the first look at a certificate after a start. */
    @FunctionalInterface
    interface FirstLook {
        /** When to look at {@code certificate} first, given the look the store keeps for it, if any. */
        Instant at(ManagedCertificate certificate, Optional<NextLook> kept, Instant now);
    }

    private final KeptLooks kept;
    private final Supplier<List<ManagedCertificate>> managed;
    private final Clock clock;
    private final Job job;
    private final FirstLook firstLook;

    // Everything below is guarded by this object's lock; the store is never read or written under it.
    private final WakeUps wakeUps = new WakeUps();
    /** Handed to the workers and not started, with the start ({@link #generation}) they were handed in. */
    private final Map<ManagedCertificate, Long> queued = new HashMap<>();
    private final Set<ManagedCertificate> running = new HashSet<>();
    /** Asked for while a job of the certificate was handed: the earliest, served when that job ends. */
    private final Map<ManagedCertificate, Instant> afterJob = new HashMap<>();
    /** {@link #park}ed while a job of the certificate was handed: its next look instead of the job's. */
    private final Map<ManagedCertificate, Instant> parkedAfterJob = new HashMap<>();
    /** Certificates whose last look could not be saved: the older look the index holds is ignored. */
    private final Set<ManagedCertificate> unsaved = new HashSet<>();
    private Scheduler scheduler;
    private Executor workers;
    private boolean started;
    /** Counts starts: a wake-up, a read or a job of an earlier start does nothing in this one. */
    private long generation;
    private Scheduler.Cancellable wake;
    private Object wakeToken;
    private Instant wakeAt;
    /** The whole index is still to be read (at start, and again while it cannot be). */
    private boolean readAll;
    private boolean polling;
    private Instant nextPoll;
    /** How many looks the last poll read and skipped: the next poll reads that many more. */
    private int skipped;
    /** The last poll read a full batch of due looks: read on once their jobs have moved them. */
    private boolean pollWhenIdle;

    LookPlanner(KeptLooks kept, Supplier<List<ManagedCertificate>> managed, Clock clock, Job job, FirstLook firstLook) {
        this.kept = kept;
        this.managed = managed;
        this.clock = clock;
        this.job = job;
        this.firstLook = firstLook;
    }

    /** Plans on {@code on} and hands jobs to {@code jobsOn} until {@link #stop}; schedules one wake-up, at once. */
    synchronized void start(Scheduler on, Executor jobsOn) {
        scheduler = on;
        workers = jobsOn;
        started = true;
        generation++;
        readAll = true;
        polling = false;
        skipped = 0;
        pollWhenIdle = false;
        nextPoll = clock.instant();
        wakeUps.clear();
        wake = null;
        scheduleWake();
    }

    /** Calls off the wake-up and the jobs not started; a running job ends without planning (the manager stops it). */
    synchronized void stop() {
        started = false;
        if (wake != null) {
            wake.cancel();
        }
        wake = null;
        wakeUps.clear();
        queued.clear();
        afterJob.clear();
        parkedAfterJob.clear();
    }

    /** Looks at {@code certificate} no later than {@code at}: right after its job if one is handed. Nothing before a start. */
    synchronized void lookAt(ManagedCertificate certificate, Instant at) {
        if (!started) {
            return; // the start's first looks come from the state (an operator's renewal) and the index
        }
        if (handed(certificate)) {
            afterJob.merge(certificate, at, (a, b) -> a.isBefore(b) ? a : b);
        } else {
            wakeUps.noLaterThan(certificate, at);
        }
        scheduleWake();
    }

    /**
     * Sets {@code certificate}'s next look to {@code until}, dropping earlier wake-ups, and keeps it in
     * the store, so no instance looks at it before (unless asked to: {@link #lookAt}). When a job of it
     * is handed, {@code until} replaces that job's outcome once it ends. Saves on the caller's thread.
     */
    void park(ManagedCertificate certificate, Instant until) {
        synchronized (this) {
            if (handed(certificate)) {
                parkedAfterJob.put(certificate, until);
                return;
            }
            wakeUps.remove(certificate);
        }
        boolean managedNow = kept.isManaged(certificate);
        boolean saved = managedNow && kept.save(certificate, until);
        synchronized (this) {
            remember(certificate, managedNow, saved);
            if (started && managedNow && !handed(certificate) && (!saved || until.isBefore(clock.instant().plus(HORIZON)))) {
                wakeUps.set(certificate, until);
            }
            scheduleWake();
        }
    }

    /** {@code certificate} is no longer managed: nothing of it is planned any more (a job handed ends without looking). */
    synchronized void forget(ManagedCertificate certificate) {
        wakeUps.remove(certificate);
        afterJob.remove(certificate);
        parkedAfterJob.remove(certificate);
        unsaved.remove(certificate);
    }

    private boolean handed(ManagedCertificate certificate) {
        return queued.containsKey(certificate) || running.contains(certificate);
    }

    /** Under the lock: one wake-up, at the earliest of the next poll and the soonest look there is room to hand. */
    private void scheduleWake() {
        if (!started) {
            return;
        }
        Instant at = polling ? null : nextPoll; // a poll under way schedules when it ends
        Instant soonest = queued.size() < BATCH ? wakeUps.first() : null; // else a job's end makes room and wakes
        if (soonest != null && (at == null || soonest.isBefore(at))) {
            at = soonest;
        }
        if (at == null || (wake != null && !at.isBefore(wakeAt))) {
            return;
        }
        if (wake != null) {
            wake.cancel();
        }
        Object token = new Object();
        long ofStart = generation;
        wakeToken = token;
        wakeAt = at;
        wake = scheduler.schedule(() -> woke(token, ofStart), at);
    }

    /** The one wake-up: reads the index when it is time, hands what is due, and schedules the next wake-up. */
    private void woke(Object token, long ofStart) {
        Instant now = clock.instant();
        boolean read;
        boolean poll;
        synchronized (this) {
            if (!started || ofStart != generation) {
                return;
            }
            if (token == wakeToken) {
                wake = null;
            }
            read = readAll && !polling;
            poll = !readAll && !polling && !now.isBefore(nextPoll);
            if (read || poll) {
                polling = true;
            }
        }
        try {
            if (read) {
                readAll(now, ofStart);
            } else if (poll) {
                poll(now, ofStart);
            }
            dispatchDue();
        } finally {
            synchronized (this) {
                if (ofStart == generation) {
                    if (read || poll) {
                        polling = false;
                    }
                    if (pollWhenIdle && queued.isEmpty() && running.isEmpty()) {
                        pollWhenIdle = false;
                        nextPoll = clock.instant();
                    }
                    scheduleWake();
                }
            }
        }
    }

    /** At start: every look the index keeps, once, and each managed certificate's first look from it. */
    private void readAll(Instant now, long ofStart) {
        Map<ManagedCertificate, NextLook> looks = kept.all();
        List<ManagedCertificate> all = managed.get();
        Instant soon = now.plus(HORIZON);
        synchronized (this) {
            if (ofStart != generation) {
                return;
            }
            for (ManagedCertificate certificate : all) {
                if (handed(certificate) || !kept.isManaged(certificate)) {
                    continue; // a job plans its next look when it ends; one removed meanwhile has none
                }
                Optional<NextLook> look = Optional.ofNullable(looks == null ? null : looks.get(certificate));
                Instant at = firstLook.at(certificate, look, now);
                if (looks == null && at.isAfter(now)) {
                    continue; // the index could not be read: only what cannot wait, the rest once it answers
                }
                Instant expires = look.map(NextLook::expires).filter(e -> e.isBefore(KeptLooks.ALL)).orElse(null);
                // the kept expiry stands for the certificate until it is read (status, health: not "temporary")
                certificate.update(state -> expires == null ? state.planned(at) : state.planned(at).keptUntil(expires));
                boolean fromIndex = look.isPresent() && look.get().at().equals(at) && !unsaved.contains(certificate);
                if (!fromIndex || at.isBefore(soon)) {
                    wakeUps.noLaterThan(certificate, at);
                }
            }
            readAll = looks == null;
            nextPoll = now.plus(POLL);
        }
    }

    /** The looks due within the horizon, soonest first, into memory; the next poll's time from what was read. */
    private void poll(Instant now, long ofStart) {
        int limit;
        synchronized (this) {
            limit = BATCH + skipped;
        }
        List<NextLook> looks = kept.due(now.plus(HORIZON), limit);
        synchronized (this) {
            if (ofStart != generation) {
                return;
            }
            Instant regular = now.plus(POLL);
            if (looks == null) {
                nextPoll = regular;
                return;
            }
            int skipping = 0;
            for (NextLook look : looks) {
                ManagedCertificate certificate = kept.of(look);
                if (certificate == null || handed(certificate) || unsaved.contains(certificate)) {
                    skipping++;
                    continue;
                }
                wakeUps.noLaterThan(certificate, look.at());
            }
            skipped = skipping;
            nextPoll = regular;
            if (looks.size() >= limit) { // more may follow the last one read
                Instant last = looks.get(looks.size() - 1).at();
                if (last.isAfter(now)) {
                    nextPoll = last.isBefore(regular) ? last : regular;
                } else {
                    pollWhenIdle = true; // all due: read on when the jobs handed have moved them
                }
            }
        }
    }

    /** Hands the due certificates to the workers, as many as there is room for. */
    private void dispatchDue() {
        List<ManagedCertificate> due;
        Executor on;
        long ofStart;
        synchronized (this) {
            if (!started) {
                return;
            }
            due = wakeUps.takeDue(clock.instant(), BATCH - queued.size());
            ofStart = generation;
            for (ManagedCertificate certificate : due) {
                queued.put(certificate, ofStart);
            }
            on = workers;
        }
        for (ManagedCertificate certificate : due) {
            on.execute(() -> run(certificate, ofStart));
        }
    }

    /** One job on a worker, unless a stop dropped it meanwhile. */
    private void run(ManagedCertificate certificate, long ofStart) {
        synchronized (this) {
            Long handedIn = queued.get(certificate);
            if (handedIn == null || handedIn != ofStart) {
                return;
            }
            queued.remove(certificate);
            running.add(certificate);
        }
        Instant next = null;
        try {
            next = job.look(certificate);
        } finally {
            ended(certificate, next);
        }
    }

    /** Saves the next look of a job that ended and plans it: in memory when it is soon, could not be saved, or was asked for. */
    private void ended(ManagedCertificate certificate, Instant outcome) {
        Instant parked;
        synchronized (this) {
            parked = parkedAfterJob.remove(certificate);
        }
        Instant next = parked != null ? parked : outcome;
        boolean managedNow = next != null && kept.isManaged(certificate);
        boolean saved = managedNow && kept.save(certificate, next);
        synchronized (this) {
            running.remove(certificate);
            Instant asked = afterJob.remove(certificate);
            remember(certificate, managedNow, saved);
            if (started && kept.isManaged(certificate)) {
                Instant at = next == null || (saved && !next.isBefore(clock.instant().plus(HORIZON))) ? null : next;
                if (asked != null && (at == null || asked.isBefore(at))) {
                    at = asked;
                }
                if (at != null) {
                    wakeUps.noLaterThan(certificate, at);
                }
            }
            if (pollWhenIdle && queued.isEmpty() && running.isEmpty()) {
                pollWhenIdle = false;
                nextPoll = clock.instant();
            }
            scheduleWake();
        }
    }

    /** Under the lock: whether the index holds this certificate's last look (when one was to be saved). */
    private void remember(ManagedCertificate certificate, boolean triedToSave, boolean saved) {
        if (saved) {
            unsaved.remove(certificate);
        } else if (triedToSave) {
            unsaved.add(certificate);
        }
    }
}
