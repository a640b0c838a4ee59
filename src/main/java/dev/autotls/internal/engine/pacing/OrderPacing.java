package dev.autotls.internal.engine.pacing;

import dev.autotls.CertificateStatus;
import dev.autotls.internal.acme.RateLimitedException;
import dev.autotls.internal.config.CaList;
import dev.autotls.internal.config.OrderLimits;
import dev.autotls.internal.engine.ManagedCertificate;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.internal.engine.CertificateFacts;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.StorageException;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order queues of the site, one per CA account (one per CA of {@code autotls.ca}), which the
 * engine asks once before each new order ({@link #ask}) and tells of each 429 ({@link #rateLimited}).
 * A CA with no limits and no pause costs one version look-up per order; the built-in local CA is
 * never paced. Each certificate's last answer is kept for its status ({@link #place}). Thread-safe.
 */
public final class OrderPacing {
    private static final Logger LOG = LoggerFactory.getLogger(OrderPacing.class);
    /** The most a waiting job's next ask is moved past its expected start, so instances do not ask in step. */
    static final long JITTER_MILLIS = 1_000;
    /** When an ask that found the queue's lease held asks again, before {@link #JITTER_MILLIS}: the holder needs milliseconds. */
    static final long BUSY_RETRY_MILLIS = 1_000;

    /** One account's queue: its limits, its record in the store, what this instance admitted. */
    public static final class Account {
        private final String ca;
        private final OrderLimits limits;
        private final QueueFile file;
        private final AtomicLong admitted = new AtomicLong();
        /**
         * The 429 pauses this instance met, by registered domain ("" for the whole account), until when: known here
         * the moment the CA answered, before (and whether or not) the store holds them, so this instance's next
         * asks never reach the CA while the record is still being written.
         */
        private final Map<String, Long> pausedHere = new java.util.concurrent.ConcurrentHashMap<>();

        Account(String ca, OrderLimits limits, QueueFile file) {
            this.ca = ca;
            this.limits = limits;
            this.file = file;
        }

        /** The CA's directory URL. */
        public String ca() {
            return ca;
        }

        /** Certificates waiting in it, as this instance last read the shared record (0 before it read one). */
        public int waiting() {
            return file.lastSeen().map(r -> r.waiting().size()).orElse(0);
        }

        /** New orders counted in the account's window site-wide, as this instance last read them. */
        public int inWindow() {
            return file.lastSeen().map(r -> r.orders().size()).orElse(0);
        }

        /** New orders this instance admitted since it started (ARI renewals, exempt, included once the CA took them). */
        public long admitted() {
            return admitted.get();
        }
    }

    /** Where a certificate waits: its place (1 first) and when it is expected to start, in which CA's queue. */
    public record Place(int position, Instant expectedStart, String ca) {
    }

    /** Whether the job may order now, else until when it waits and the sentence saying so. */
    public record Answer(boolean admitted, Instant next, String sentence) {
        static final Answer GO = new Answer(true, null, null);
    }

    private final Map<String, Account> accounts;
    private final Clock clock;
    private final RandomGenerator random;
    private final Map<String, Place> places = new ConcurrentHashMap<>();

    private OrderPacing(Map<String, Account> accounts, Clock clock, RandomGenerator random) {
        this.accounts = Map.copyOf(accounts);
        this.clock = clock;
        this.random = random;
    }

    /** Pacing that never holds an order back (engine tests without a queue). */
    public static OrderPacing none(Clock clock) {
        return new OrderPacing(Map.of(), clock, RandomGenerator.getDefault());
    }

    /** A queue for each of {@code cas}, kept in {@code store}. */
    public static OrderPacing of(List<CaList.Endpoint> cas, CertificateStore store, Clock clock, RandomGenerator random) {
        Map<String, Account> accounts = new LinkedHashMap<>();
        for (CaList.Endpoint ca : cas) {
            if (StorageKeys.LOCAL_CA_DIRECTORY.equals(ca.directory())) {
                continue;
            }
            String id = ca.directory().toString();
            accounts.put(id, new Account(id, ca.limits(), new QueueFile(store, StorageKeys.caFolder(ca.directory()))));
        }
        return new OrderPacing(accounts, clock, random);
    }

    /** The accounts, in {@code autotls.ca}'s order (metrics). */
    public List<Account> accounts() {
        return List.copyOf(accounts.values());
    }

    /**
     * Asked by the job about to order a new certificate for {@code certificate} from the CA {@code ca}
     * (its directory URL), holding the certificate's lease: go now, or wait until the answer's time,
     * when the job asks again. A renewal the CA takes as an ARI replacement ({@code exempt}) goes at
     * once, uncounted and unpaused, as Let's Encrypt exempts those from every limit.
     *
     * @throws StorageException when the store could not be read or written (no order without it)
     */
    public Answer ask(ManagedCertificate certificate, String ca, boolean exempt) throws StorageException {
        Account account = accounts.get(ca);
        if (account == null || exempt) {
            places.remove(certificate.firstName()); // an exempt order counts as admitted once the CA took it: replacementOrdered
            return Answer.GO;
        }
        OrderQueue.Request request = request(certificate);
        long now = clock.millis();
        long pausedUntil = account.pausedHere.getOrDefault("", 0L);
        for (String domain : request.domains()) {
            pausedUntil = Math.max(pausedUntil, account.pausedHere.getOrDefault(domain, 0L));
        }
        if (pausedUntil > now) {
            Instant until = Instant.ofEpochMilli(pausedUntil);
            return new Answer(false, until.plusMillis(random.nextLong(JITTER_MILLIS)), "the CA at " + ca
                    + " rate-limits new orders until " + until + " (its Retry-After); waiting in its order queue until then");
        }
        OrderQueue.Decision decision;
        try {
            if (!account.limits.limited() && account.file.load().pauseOf(request.domains(), now).isEmpty()) {
                decision = new OrderQueue.Admitted(); // no limit and no pause: nothing to count or write
            } else {
                decision = account.file.update(record -> {
                    OrderQueue.Outcome outcome = OrderQueue.decide(record, request, account.limits, now);
                    return new QueueFile.Decided<>(outcome.after(), outcome.decision());
                }, QueueFile.ASK_WAIT);
            }
        } catch (dev.autotls.spi.Locker.LockTimeoutException e) { // other asks hold the queue: ask again shortly
            Instant again = Instant.ofEpochMilli(now + BUSY_RETRY_MILLIS + random.nextLong(JITTER_MILLIS));
            return new Answer(false, again, "the order queue of " + ca + " was busy deciding other orders; asking again at "
                    + again);
        } catch (IOException e) {
            throw new StorageException("could not read or write the order queue " + account.file.key() + " of " + ca, e);
        }
        if (decision instanceof OrderQueue.Wait wait) {
            Instant start = Instant.ofEpochMilli(wait.at());
            places.put(certificate.firstName(), new Place(wait.position(), start, ca));
            return new Answer(false, start.plusMillis(random.nextLong(JITTER_MILLIS)), wait.why());
        }
        places.remove(certificate.firstName());
        account.admitted.incrementAndGet();
        return Answer.GO;
    }

    /**
     * The CA {@code ca} took a renewal asked as {@code exempt} as an ARI replacement: one more order admitted
     * (counted only now, since the CA may refuse the replacement, and the order then asks again as a new one).
     */
    public void replacementOrdered(String ca) {
        Account account = accounts.get(ca);
        if (account != null) {
            account.admitted.incrementAndGet();
        }
    }

    /**
     * The CA {@code ca} answered an order for {@code names} 429: new orders to the account, or for the
     * registered domain the problem names, wait until its Retry-After, on every instance. A problem
     * about one certificate alone pauses nothing (its own back-off honours Retry-After).
     */
    public void rateLimited(String ca, List<String> names, RateLimitedException error) {
        Account account = accounts.get(ca);
        if (account == null || error.retryAfter().isEmpty()) {
            return;
        }
        PauseScope scope = PauseScope.of(error.detail(), error.identifiers(), names);
        if (scope.kind() == PauseScope.Kind.CERTIFICATE) {
            return;
        }
        long until = error.retryAfter().get().toEpochMilli();
        String domain = scope.domain().orElse(null);
        account.pausedHere.merge(domain == null ? "" : domain, until, Math::max); // first: the store's write may wait for its lease
        try {
            account.file.update(record -> new QueueFile.Decided<>(record.pruned(account.limits, clock.millis())
                    .paused(domain, until, error.detail()), null));
            LOG.warn("The CA at {} rate-limits new orders{} until {}: {}. They wait in its queue until then, on every "
                    + "instance; renewals it takes as ARI replacements go on.", ca,
                    domain == null ? "" : " for " + domain, Instant.ofEpochMilli(until), error.detail());
        } catch (IOException e) {
            LOG.warn("Could not record in the store that the CA at {} paused new orders until {} ({}); this certificate "
                    + "still waits until then.", ca, Instant.ofEpochMilli(until), e.getMessage());
        }
    }

    /** Where {@code firstName}'s certificate waits, if it waits (status). */
    public Optional<Place> place(String firstName) {
        Place place = places.get(firstName);
        return place == null || place.expectedStart().isBefore(clock.instant().minus(QueueRecord.STALE_AFTER))
                ? Optional.empty() : Optional.of(place);
    }

    /** {@code certificate} no longer waits to be ordered (it is valid, or no longer managed). */
    public void notWaiting(ManagedCertificate certificate) {
        places.remove(certificate.firstName());
    }

    static OrderQueue.Request request(ManagedCertificate certificate) {
        CertificateFacts current = certificate.state().current();
        List<String> domains = RegisteredDomains.of(certificate.names);
        if (current != null) {
            return new OrderQueue.Request(certificate.firstName(), domains, Urgency.RENEWAL, current.notAfter().toEpochMilli());
        }
        boolean waitedFor = certificate.origins.values().stream().anyMatch(origin -> origin != CertificateStatus.Origin.CONFIGURED);
        return new OrderQueue.Request(certificate.firstName(), domains, waitedFor ? Urgency.WAITED_FOR : Urgency.OTHER, 0);
    }

    /** The account at {@code directory}, if it is paced (tests). */
    Optional<Account> account(URI directory) {
        return Optional.ofNullable(accounts.get(directory.toString()));
    }
}
