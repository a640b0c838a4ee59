package dev.autotls.internal.engine;

import dev.autotls.internal.names.IpAddresses;
import dev.autotls.internal.store.CertificateFiles;
import dev.autotls.internal.store.CorruptDataException;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.internal.store.StoredCertificate;
import dev.autotls.internal.tls.CertificateRegistry;
import dev.autotls.internal.tls.CertificateSource;
import dev.autotls.internal.tls.CertifiedKey;
import dev.autotls.internal.tls.SelfSignedCertificates;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the certificates under maintenance from the store as handshakes ask for them, instead of
 * decoding every one at start: their names go into the registry's index, and a handshake for a name
 * memory does not hold has the registry call {@link #load} (on its loader threads), which reads that
 * one certificate, or makes the temporary self-signed one when the store holds none that can be
 * served. Only the few that must be in memory for handshakes without SNI are read at once (the IP
 * address certificates, and the first certificate as the fallback). One list of the certificates
 * folder, in the background, tells which certificates the store holds at all, so that names with
 * nothing stored get their temporary certificate without a read and the warm start knows whether an
 * order is coming.
 *
 * <p>It also reads the served certificate itself when maintenance needs more than its facts (its
 * renewal window, the {@code replaces} of its renewal): from memory where it is, else from the store.
 */
final class StoreServing implements CertificateSource {
    private static final Logger LOG = LoggerFactory.getLogger(StoreServing.class);
    /**
     * How long the start waits for each certificate read at start: well beyond a read and a first run of the
     * decoding code; a store slower than that is waited for no longer (the read goes on and serves when done).
     */
    static final Duration START_WAIT = Duration.ofSeconds(10);

    /** The managed certificate by its first name, empty once it is no longer managed. */
    private final Function<String, Optional<ManagedCertificate>> managed;
    private final CertificateFiles files;
    private final CertificateRegistry registry;
    private final Clock clock;
    /** Told, off the load's thread, of each certificate a load found newer than the state said (those waiting to see it served). */
    private final Consumer<ManagedCertificate> served;
    /** Completed once the store's list of certificates was read after the first start (or could not be). */
    private final CompletableFuture<Void> listed = new CompletableFuture<>();

    StoreServing(Function<String, Optional<ManagedCertificate>> managed, CertificateFiles files, CertificateRegistry registry,
                 Clock clock, Consumer<ManagedCertificate> served) {
        this.managed = managed;
        this.files = files;
        this.registry = registry;
        this.clock = clock;
        this.served = served;
    }

    /**
     * At start: {@link #serve} for {@code certificates}, then {@link #list} on {@code background}, completing
     * {@link #listed} when done.
     */
    void serveAtStart(List<ManagedCertificate> certificates, Executor background) {
        long started = System.nanoTime();
        int read = serve(certificates);
        list(certificates, background).whenComplete((done, failed) -> listed.complete(null));
        LOG.info("Serving {} from the store as handshakes ask for {} ({} read at start; {} ms).",
                certificates.size() == 1 ? "1 certificate" : certificates.size() + " certificates",
                certificates.size() == 1 ? "it" : "them", read, (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Completes once the store's list of certificates has been read after the first start (or could not be): from then
     * on each certificate's state says whether the store holds it ({@link CertificateState.Stored}).
     */
    CompletableFuture<Void> listed() {
        return listed;
    }

    /**
     * Serves {@code certificates} from the store from now on: their names are indexed, and only the
     * certificates kept in memory whatever the cache does are read now (each IP address certificate, and
     * the first one when there is no fallback yet); how many were read.
     */
    int serve(List<ManagedCertificate> certificates) {
        for (ManagedCertificate certificate : certificates) {
            certificate.serveFromStore(registry);
        }
        int read = 0;
        boolean fallback = registry.fallback().isEmpty();
        for (ManagedCertificate certificate : certificates) {
            if (fallback || certificate.names.stream().anyMatch(IpAddresses::isAddress)) {
                // longer than a handshake would: none comes yet, and the code is then warm for the first one
                registry.lookup(certificate.firstName(), START_WAIT);
                read++;
            }
            fallback = false; // the first only, whatever its load did
        }
        return read;
    }

    /**
     * Lists the store's certificates once on {@code on} and records, for each of {@code certificates} not
     * read yet, whether the store holds it; a store that cannot be listed leaves them unknown (a load then
     * reads the store). Completes when done, either way.
     */
    CompletableFuture<Void> list(List<ManagedCertificate> certificates, Executor on) {
        return CompletableFuture.runAsync(() -> {
            long started = System.nanoTime();
            Set<String> folders;
            try {
                folders = new HashSet<>(files.listFolders());
            } catch (IOException e) {
                LOG.debug("could not list the stored certificates: {}", e.toString());
                return;
            }
            for (ManagedCertificate certificate : certificates) {
                boolean present = folders.contains(StorageKeys.certificateName(certificate.firstName()));
                certificate.update(state -> state.listed(present));
            }
            LOG.debug("listed {} stored certificates in {} ms", folders.size(), (System.nanoTime() - started) / 1_000_000);
        }, on);
    }

    /**
     * The entry for a handshake: the certificate only memory holds (not saved yet), a temporary one when
     * the store is known to hold none that can be served, else what the store holds, whose facts become
     * the state's when they are newer.
     */
    @Override
    public CertifiedKey load(String firstName) throws IOException {
        ManagedCertificate certificate = managed.apply(firstName)
                .orElseThrow(() -> new IOException(firstName + " is no longer managed"));
        CertificateState state = certificate.state();
        if (state.unsaved() != null) {
            return certificate.entryOf(state.unsaved());
        }
        if (state.stored() == CertificateState.Stored.READ && state.current() == null) {
            return temporary(certificate);
        }
        Optional<StoredCertificate> stored;
        try {
            stored = files.load(firstName);
        } catch (CorruptDataException e) {
            LOG.warn("Not serving the stored certificate for {}: {}. A new one will be ordered.", certificate, e.getMessage());
            certificate.update(CertificateState::unusable); // its metadata may have looked fine: order anew
            return temporary(certificate);
        }
        if (stored.isEmpty() || !stored.get().notAfter().isAfter(clock.instant())) {
            certificate.update(CertificateState::nothingStored);
            return temporary(certificate);
        }
        StoredCertificate found = stored.get();
        if (certificate.learn(found, ManagedCertificate.covers(found.leaf(), certificate.names))) {
            // not on this thread: someone told may look the name up, which waits for this very load
            CompletableFuture.runAsync(() -> served.accept(certificate));
        }
        return certificate.entryOf(found);
    }

    private CertifiedKey temporary(ManagedCertificate certificate) {
        LOG.debug("Serving a temporary self-signed certificate for {} until the CA issues one.", certificate);
        return SelfSignedCertificates.create(certificate.names, clock);
    }

    /**
     * The leaf of the certificate {@code certificate} serves (its state's facts): from memory where it
     * is, else read from the store; empty when it serves none, or the store holds another by now (the
     * sync serves that one soon).
     *
     * @throws IOException when the store cannot be read
     */
    Optional<X509Certificate> leaf(ManagedCertificate certificate) throws IOException {
        CertificateState state = certificate.state();
        CertificateFacts facts = state.current();
        if (facts == null) {
            return Optional.empty();
        }
        if (state.unsaved() != null && facts.describe(state.unsaved())) {
            return Optional.of(state.unsaved().leaf());
        }
        Optional<CertifiedKey> inMemory = registry.inMemory(certificate.firstName());
        if (inMemory.isPresent() && inMemory.get().leaf().getSerialNumber().equals(facts.serial())) {
            return Optional.of(inMemory.get().leaf());
        }
        return files.load(certificate.firstName()).filter(facts::describe).map(StoredCertificate::leaf);
    }
}
