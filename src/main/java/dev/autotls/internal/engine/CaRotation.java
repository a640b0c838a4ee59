package dev.autotls.internal.engine;

import dev.autotls.internal.acme.AcmeClient;
import dev.autotls.internal.acme.Issuer;
import dev.autotls.internal.acme.CaConnection;
import dev.autotls.internal.acme.CaRefusalException;
import dev.autotls.internal.acme.NotTheCaException;
import dev.autotls.internal.acme.PreflightException;
import dev.autotls.internal.config.AutoTlsConfig;
import dev.autotls.internal.config.CaList;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.internal.store.StoredCertificate;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.StorageException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CAs of {@code autotls.ca} and, for each certificate, which one its orders go to
 * ({@link CaAttempt}): the first until orders for the certificate have failed there for
 * {@code autotls.ca.fallback-after}, or it refused them for good ({@link CaRefusalException}),
 * then the next. Each CA has its own client, account, storage folder and circuit, so a CA that
 * is down holds back only the certificates whose orders go to it. A failure that is not the
 * CA's (a DNS record missing, the store down) never counts against it.
 */
public final class CaRotation {
    private static final Logger LOG = LoggerFactory.getLogger(CaRotation.class);

    /** One CA: its position in {@code autotls.ca} (1 for the first), its issuer and its circuit. */
    record Lane(int position, Issuer issuer, CaCircuit circuit) {
        @Override
        public String toString() {
            return "CA " + position + " (" + issuer.id() + ")";
        }
    }

    private final List<Lane> lanes;
    private final Duration fallbackAfter;
    private final Clock clock;

    CaRotation(List<Lane> lanes, Duration fallbackAfter, Clock clock) {
        this.lanes = List.copyOf(lanes);
        this.fallbackAfter = fallbackAfter;
        this.clock = clock;
    }

    /** The lanes of every configured CA: {@code primary} first (already open), the others opened here. */
    public static CaRotation open(AutoTlsConfig config, AcmeClient primary, CertificateStore store, Clock clock,
                                  java.util.random.RandomGenerator random) {
        List<Lane> lanes = new ArrayList<>();
        lanes.add(new Lane(1, primary, CaCircuit.standard(random)));
        for (CaList.Endpoint ca : config.cas().cas().subList(1, config.cas().cas().size())) {
            AcmeClient client = CaConnection.open(config, ca, store, StorageKeys.caFolder(ca.directory()), clock);
            lanes.add(new Lane(ca.position(), client, CaCircuit.standard(random)));
        }
        return new CaRotation(lanes, config.cas().fallbackAfter(), clock);
    }

    /** The circuit in front of the first CA, whose first contact the warm start makes. */
    public CaCircuit firstCircuit() {
        return lanes.get(0).circuit();
    }

    /** The CA {@code certificate}'s next order goes to, moving on first if it has failed there long enough. */
    Lane lane(ManagedCertificate certificate) {
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
        String first = lanes.get(0).issuer().id();
        certificate.update(state -> state.obtained(new CertificateState.Issued(stored, lane.issuer().id()),
                state.caAttempt().issued(), first));
    }

    /** The CA that issued what {@code certificate} serves, if known in this run; else the first (whose ARI is asked). */
    Lane issuerOf(ManagedCertificate certificate) {
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
