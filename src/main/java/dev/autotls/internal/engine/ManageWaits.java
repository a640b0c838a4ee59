package dev.autotls.internal.engine;

import dev.autotls.CertificateStatus;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.OwnerActionException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The stages {@code AutoTls.manage} returned that are still open: each completes when every one of
 * its certificates serves a CA-issued certificate covering all its names, or exceptionally with the
 * first failure of one of them (the certificates stay managed and keep being tried; a stage only
 * reports). Told by {@link CertificateManager} as a {@link CertificateWatcher}.
 */
final class ManageWaits implements CertificateWatcher {
    /** How a certificate looks to the caller. */
    private final Function<ManagedCertificate, CertificateStatus> status;
    /** Guarded by this object's lock; few at a time (one per open manage call). */
    private final List<Waiting> open = new ArrayList<>();

    private record Waiting(List<ManagedCertificate> certificates, CompletableFuture<List<CertificateStatus>> stage) {
    }

    ManageWaits(Function<ManagedCertificate, CertificateStatus> status) {
        this.status = status;
    }

    /**
     * A stage for the certificates of {@code all} that cover a name {@code asked}, complete already when
     * all are served; failed at once when some asked name is covered by none (unmanaged by another
     * caller between the write to {@code where} and now).
     */
    CompletionStage<List<CertificateStatus>> await(Set<String> asked, List<ManagedCertificate> all, String where) {
        List<ManagedCertificate> covering = new ArrayList<>();
        Set<String> covered = new HashSet<>();
        for (ManagedCertificate certificate : all) {
            if (certificate.names.stream().anyMatch(asked::contains)) {
                covering.add(certificate);
                covered.addAll(certificate.names);
            }
        }
        List<String> missing = asked.stream().filter(name -> !covered.contains(name)).toList();
        if (!missing.isEmpty()) {
            return CompletableFuture.failedStage(new OwnerActionException(String.join(", ", missing) + " was written to "
                    + where + " but is no longer managed (unmanaged meanwhile); manage it again", null));
        }
        return await(covering);
    }

    /** A stage for {@code certificates}, complete already when all are served. */
    CompletionStage<List<CertificateStatus>> await(List<ManagedCertificate> certificates) {
        Waiting waiting = new Waiting(List.copyOf(certificates), new CompletableFuture<>());
        synchronized (this) {
            open.add(waiting);
        }
        check(waiting, null, null); // served already (stored, or another instance was quicker)
        return waiting.stage().minimalCompletionStage();
    }

    /** Whether {@code certificate} serves a CA-issued certificate that covers all its names. */
    static boolean served(ManagedCertificate certificate) {
        CertificateState state = certificate.state();
        return state.current() != null && state.matchesConfiguration();
    }

    @Override
    public void looked(ManagedCertificate certificate, AutoTlsException failure) {
        for (Waiting waiting : waitingFor(certificate)) {
            check(waiting, certificate, failure);
        }
    }

    @Override
    public void removed(ManagedCertificate certificate) {
        for (Waiting waiting : waitingFor(certificate)) {
            // the owner's decision, not a failure that passes: waiting longer would not serve it
            finish(waiting, null, new OwnerActionException(certificate + " was unmanaged before its certificate was served; "
                    + "manage it again to obtain it", null));
        }
    }

    private synchronized List<Waiting> waitingFor(ManagedCertificate certificate) {
        List<Waiting> found = new ArrayList<>();
        for (Waiting waiting : open) {
            if (waiting.certificates().contains(certificate)) {
                found.add(waiting);
            }
        }
        return found;
    }

    private void check(Waiting waiting, ManagedCertificate looked, AutoTlsException failure) {
        if (failure != null && !served(looked)) {
            finish(waiting, null, failure);
            return;
        }
        if (waiting.certificates().stream().allMatch(ManageWaits::served)) {
            finish(waiting, waiting.certificates().stream().map(status).toList(), null);
        }
    }

    private void finish(Waiting waiting, List<CertificateStatus> statuses, Throwable failure) {
        synchronized (this) {
            if (!open.remove(waiting)) {
                return; // finished by another thread meanwhile
            }
        }
        if (failure == null) {
            waiting.stage().complete(statuses);
        } else {
            waiting.stage().completeExceptionally(failure);
        }
    }
}
