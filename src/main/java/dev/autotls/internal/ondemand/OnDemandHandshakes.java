package dev.autotls.internal.ondemand;

import dev.autotls.internal.engine.CertificateManager;
import dev.autotls.internal.engine.ManagedCertificate;
import dev.autotls.internal.engine.ManagedSet;
import dev.autotls.internal.names.IpAddresses;
import dev.autotls.internal.ondemand.OnDemandCounters.Refusal;
import dev.autotls.internal.tls.CertifiedKey;
import dev.autotls.internal.tls.HandshakeWait;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a handshake for a server name without a CA-issued certificate gets with on demand on, in
 * this order, each step cheaper than the next: a name that may not be obtained on demand is
 * refused without asking anyone; a configured or managed name keeps its temporary certificate as
 * before; a cached refusal is refused at once; beyond {@code autotls.on-demand.waiting} waiting
 * handshakes one is refused at once; a client over its checks limit is refused; otherwise the
 * handshake waits (the one bounded wait of the handshake path) for the permission check, then for
 * the certificate, {@code autotls.on-demand.wait} in all. Refused means no certificate: the
 * handshake fails with an alert, never with the temporary self-signed certificate.
 */
final class OnDemandHandshakes implements HandshakeWait {
    private static final Logger LOG = LoggerFactory.getLogger(OnDemandHandshakes.class);

    private final PermissionChecks checks;
    private final ManagedSet set;
    private final CertificateManager manager;
    private final Waits waits;
    private final Admissions admissions;
    private final OnDemandCounters counters;
    private final Duration waitFor;
    private final int maxWaiting;
    private final int maxNames;

    OnDemandHandshakes(PermissionChecks checks, ManagedSet set, CertificateManager manager, Waits waits, Admissions admissions,
                       OnDemandCounters counters, Duration waitFor, int maxWaiting, int maxNames) {
        this.checks = checks;
        this.set = set;
        this.manager = manager;
        this.waits = waits;
        this.admissions = admissions;
        this.counters = counters;
        this.waitFor = waitFor;
        this.maxWaiting = maxWaiting;
        this.maxNames = maxNames;
    }

    @Override
    public CertifiedKey serve(String sent, CertifiedKey found, String clientHost) {
        String name;
        try {
            name = OnDemandNames.canonical(sent);
        } catch (IllegalArgumentException e) {
            if (found != null) {
                return found; // a managed name this code would not judge the same way: as before
            }
            return refused(Refusal.INVALID_NAME, sent, e.getMessage());
        }
        if (found != null) {
            return managed(name, found);
        }
        if (set.stored().onDemand().size() >= maxNames) { // as last read: nobody is asked for a name that cannot be admitted
            return refused(Refusal.MAX_NAMES, name, "the site manages " + maxNames + " names obtained on demand already");
        }
        CompletableFuture<PermissionAnswer> known = checks.known(name);
        if (known != null && known.isDone() && !known.join().allows()) {
            return refused(Refusal.PERMISSION, name, "the permission check refused it (cached)");
        }
        return waiting(name, known, clientHost);
    }

    /** A name managed here whose CA certificate is not served yet: one obtained on demand is waited for, others keep theirs. */
    private CertifiedKey managed(String name, CertifiedKey temporary) {
        if (!set.isOnDemand(name)) {
            return temporary;
        }
        ManagedCertificate certificate = manager.certificate(name).orElse(null);
        if (certificate != null && certificate.state().failures() > 0) {
            return refused(Refusal.NOT_OBTAINED, name, "its orders fail (" + (certificate.state().last() == null ? "no attempt yet"
                    : certificate.state().last().outcome()) + "), next attempt at " + certificate.state().nextAttempt());
        }
        return waiting(name, CompletableFuture.completedFuture(PermissionAnswer.YES), null);
    }

    /**
     * Takes a waiting slot, then waits within one deadline for the permission (the {@code known}
     * answer, or a check started here once the slot is held and the client's limit allows it) and
     * then for the certificate. The slot comes first so that no check starts beyond
     * {@code autotls.on-demand.waiting}.
     */
    private CertifiedKey waiting(String name, CompletableFuture<PermissionAnswer> known, String clientHost) {
        AtomicInteger waiting = counters.waitingNow();
        if (!acquire(waiting)) {
            return refused(Refusal.WAITING_FULL, name, maxWaiting + " handshakes wait already");
        }
        long deadline = System.nanoTime() + waitFor.toNanos();
        try {
            CompletableFuture<PermissionAnswer> answer = known;
            if (answer == null) {
                if (!checks.mayCheck(client(clientHost))) {
                    return refused(Refusal.CLIENT_LIMIT, name, "the client " + clientHost + " caused too many permission checks");
                }
                answer = checks.answer(name, client(clientHost));
            }
            PermissionAnswer said;
            try {
                said = answer.get(remaining(deadline), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                said = PermissionAnswer.NO_ANSWER; // the check, not the certificate, used up the wait
            }
            if (!said.allows()) {
                return refused(Refusal.PERMISSION, name, "the permission check " + (said == PermissionAnswer.NO ? "refused it"
                        : "gave no answer"));
            }
            CompletableFuture<CertifiedKey> certificate = waits.forName(name);
            try {
                if (!certificate.isDone() && !admissions.request(name)) {
                    return refused(Refusal.QUEUE_FULL, name, Admissions.QUEUE_LIMIT + " allowed names wait for an order slot already");
                }
                return certificate.get(remaining(deadline), TimeUnit.NANOSECONDS);
            } finally {
                waits.release(name);
            }
        } catch (TimeoutException e) {
            return refused(Refusal.NOT_OBTAINED, name, "not obtained within " + waitFor.toMillis() + " ms");
        } catch (ExecutionException e) {
            return refused(Refusal.NOT_OBTAINED, name, e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            waiting.decrementAndGet();
        }
    }

    private boolean acquire(AtomicInteger waiting) {
        while (true) {
            int now = waiting.get();
            if (now >= maxWaiting) {
                return false;
            }
            if (waiting.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private CertifiedKey refused(Refusal why, String name, String sentence) {
        counters.refused(why);
        LOG.debug("No certificate on demand for {}: {}.", name, sentence);
        return null;
    }

    /** The client's address from the text the connection shows, never looked up in DNS; null when it is no address. */
    private static InetAddress client(String host) {
        if (host == null || !IpAddresses.looksLikeAddress(host)) {
            return null;
        }
        try {
            return IpAddresses.parse(host);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
