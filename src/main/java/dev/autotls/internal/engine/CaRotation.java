package dev.autotls.internal.engine;

import dev.autotls.internal.acme.AcmeClient;
import dev.autotls.internal.acme.Issuer;
import dev.autotls.internal.acme.CaConnection;
import dev.autotls.internal.acme.CaRefusalException;
import dev.autotls.internal.acme.NotTheCaException;
import dev.autotls.internal.acme.PreflightException;
import dev.autotls.internal.config.AutoTlsConfig;
import dev.autotls.internal.config.CaList;
import dev.autotls.internal.config.LocalCaUse;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.internal.store.StoredCertificate;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.StorageException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CAs of {@code autotls.ca} and, for each certificate, which one its orders go to
 * ({@link CaAttempt}): the first until orders for the certificate have failed there for
 * {@code autotls.ca.fallback-after}, or it refused them for good ({@link CaRefusalException}),
 * then the next. Each CA has its own client, account, storage folder and circuit, so a CA that
 * is down holds back only the certificates whose orders go to it. A failure that is not the
 * CA's (a DNS record missing, the store down) never counts against it.
 *
 * <p>When no CA is set, a certificate whose names are all local goes to the built-in local CA's
 * own lane instead, outside the list: it never falls back to an ACME CA, nor an ACME certificate
 * to it. With {@code autotls.ca = local} that CA is the list's only lane.
 */
public final class CaRotation {
    private static final Logger LOG = LoggerFactory.getLogger(CaRotation.class);

    /** One CA: its position in {@code autotls.ca} (1 for the first), its issuer and its circuit. */
    record Lane(int position, Issuer issuer, CaCircuit circuit) {
        @Override
        public String toString() {
            return position == 0 ? "the local CA" : "CA " + position + " (" + issuer.id() + ")";
        }
    }

    private final List<Lane> lanes;
    /** The local CA's lane beside the list (position 0), or null. */
    private final Lane local;
    private final Predicate<List<String>> issuedLocally;
    private final Duration fallbackAfter;
    private final Clock clock;

    CaRotation(List<Lane> lanes, Duration fallbackAfter, Clock clock) {
        this(lanes, null, names -> false, fallbackAfter, clock);
    }

    CaRotation(List<Lane> lanes, Lane local, Predicate<List<String>> issuedLocally, Duration fallbackAfter, Clock clock) {
        this.lanes = List.copyOf(lanes);
        this.local = local;
        this.issuedLocally = issuedLocally;
        this.fallbackAfter = fallbackAfter;
        this.clock = clock;
    }

    /**
     * The lanes of every configured CA: {@code primary} first (already open), the others opened here;
     * {@code localCa} (null when {@code autotls.ca} names ACME CAs) for the certificates it issues.
     */
    public static CaRotation open(AutoTlsConfig config, AcmeClient primary, Issuer localCa, CertificateStore store,
                                  Clock clock, java.util.random.RandomGenerator random) {
        if (config.cas().localCa() == LocalCaUse.ALL) {
            return new CaRotation(List.of(new Lane(1, localCa, CaCircuit.standard(random))), config.cas().fallbackAfter(), clock);
        }
        Lane local = localCa == null ? null : new Lane(0, localCa, CaCircuit.standard(random));
        List<Lane> lanes = new ArrayList<>();
        lanes.add(new Lane(1, primary, CaCircuit.standard(random)));
        for (CaList.Endpoint ca : config.cas().cas().subList(1, config.cas().cas().size())) {
            AcmeClient client = CaConnection.open(config, ca, store, StorageKeys.caFolder(ca.directory()), clock);
            lanes.add(new Lane(ca.position(), client, CaCircuit.standard(random)));
        }
        return new CaRotation(lanes, local, config.cas()::issuedLocally, config.cas().fallbackAfter(), clock);
    }

    /** The local CA's lane if {@code certificate} is one it issues beside the list, else null. */
    private Lane localFor(ManagedCertificate certificate) {
        return local != null && issuedLocally.test(certificate.names) ? local : null;
    }

    /**
     * The circuit whose first contact the warm start makes: the first CA's, or with {@code local}
     * (every certificate goes to the local CA) the local CA's.
     */
    public CaCircuit firstCircuit(boolean local) {
        return (local && this.local != null ? this.local : lanes.get(0)).circuit();
    }

    /** The CA {@code certificate}'s next order goes to, moving on first if it has failed there long enough. */
    Lane lane(ManagedCertificate certificate) {
        Lane dedicated = localFor(certificate);
        if (dedicated != null) {
            certificate.update(state -> state.routed(state.caAttempt(), dedicated.issuer().id()));
            return dedicated;
        }
        CaAttempt before = certificate.state().caAttempt();
        CaAttempt now = before.look(clock.instant(), lanes.size(), fallbackAfter);
        if (now != before) {
            LOG.warn("Orders for {} have failed on {} since {}; trying {} now.", certificate, lanes.get(before.index()),
                    before.failingSince().orElseThrow(), lanes.get(now.index()));
        }
        Lane lane = lanes.get(now.index());
        certificate.update(state -> state.routed(now, lane.issuer().id()));
        return lane;
    }

    /**
     * Counts a failure against {@code lane} if it is the CA's; true if the next order goes to another CA at once
     * (not once every CA has refused in a row: then the next is tried after the owner-action back-off).
     */
    boolean failed(ManagedCertificate certificate, Lane lane, AutoTlsException error) {
        if (error instanceof PreflightException || error instanceof StorageException || error instanceof NotTheCaException) {
            return false; // not the CA's doing: another CA would fail the same way
        }
        CaAttempt before = certificate.state().caAttempt();
        if (lanes.get(before.index()) != lane) {
            return false;
        }
        boolean refused = error instanceof CaRefusalException;
        CaAttempt after = before.failed(clock.instant(), refused, lanes.size());
        certificate.update(state -> state.routed(after, lanes.get(after.index()).issuer().id()));
        if (after.index() != before.index() && after.movedAtOnce()) {
            LOG.warn("{} refuses {} for good; trying {} now.", lane, certificate, lanes.get(after.index()));
            return true;
        }
        return false;
    }

    /** {@code certificate} waits for {@code lane}, which is failing: the wait counts as failing time. */
    void waiting(ManagedCertificate certificate, Lane lane) {
        CaAttempt before = certificate.state().caAttempt();
        if (lanes.get(before.index()) == lane && before.failingSince().isEmpty()) {
            CaAttempt failing = before.failed(clock.instant(), false, lanes.size());
            certificate.update(state -> state.routed(failing, state.tryingCa()));
        }
    }

    /**
     * {@code lane} issued {@code stored} for {@code certificate}: remembered for status and ARI while
     * it is served; the next renewal starts with the first CA.
     */
    void issued(ManagedCertificate certificate, Lane lane, StoredCertificate stored) {
        String first = (lane == local ? local : lanes.get(0)).issuer().id();
        certificate.update(state -> state.obtained(new CertificateState.Issued(stored, lane.issuer().id()),
                state.caAttempt().issued(), first));
    }

    /** The CA that issued what {@code certificate} serves, if known in this run; else the first (whose ARI is asked). */
    Lane issuerOf(ManagedCertificate certificate) {
        Lane dedicated = localFor(certificate);
        if (dedicated != null) {
            return dedicated;
        }
        String issuer = certificate.issuedBy();
        for (Lane lane : lanes) {
            if (lane.issuer().id().equals(issuer)) {
                return lane;
            }
        }
        return lanes.get(0);
    }

    List<Lane> lanes() {
        return lanes;
    }
}
