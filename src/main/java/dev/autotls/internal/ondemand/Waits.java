package dev.autotls.internal.ondemand;

import dev.autotls.internal.engine.CertificateManager;
import dev.autotls.internal.engine.CertificateWatcher;
import dev.autotls.internal.engine.ManagedCertificate;
import dev.autotls.internal.tls.CertificateRegistry;
import dev.autotls.internal.tls.CertifiedKey;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.OwnerActionException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stage per name that handshakes wait for: complete once the registry serves a CA-issued
 * certificate for it, failed when its order fails or it is unmanaged. Told by the engine as a
 * {@link CertificateWatcher} (a job ended, the sync served something); {@link #lookInStore}, run
 * every {@link #POLL}, serves what another instance of the site stored without waiting for the
 * sync interval.
 *
 * <p>Each name counts the handshakes waiting for it ({@link #forName} takes one, {@link #release}
 * gives it back) and is forgotten when the last one gives up, so the poll only ever reads names a
 * handshake waits for now. The poll asks the store for all their versions in one query and reads
 * only the certificates whose version changed since it last looked.
 */
final class Waits implements CertificateWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Waits.class);
    /** How often the store is read for awaited names, as the tls-alpn-01 answers are looked for. */
    static final Duration POLL = Duration.ofMillis(500);

    private final CertificateRegistry registry;
    private final CertificateManager manager;
    /** Guarded by this object's lock; held only to count, never while waiting or reading the store. */
    private final Map<String, Awaited> awaited = new HashMap<>();

    /** The stage of one name, how many handshakes wait for it, and the stored version the poll saw last. */
    private static final class Awaited {
        CompletableFuture<CertifiedKey> stage = new CompletableFuture<>();
        int waiting;
        Long seenVersion;
    }

    Waits(CertificateRegistry registry, CertificateManager manager) {
        this.registry = registry;
        this.manager = manager;
    }

    /**
     * The stage for {@code name} (canonical), shared by every handshake waiting for it; complete already if it is
     * served. Counts the caller as waiting until it calls {@link #release}.
     */
    CompletableFuture<CertifiedKey> forName(String name) {
        CompletableFuture<CertifiedKey> stage;
        synchronized (this) {
            Awaited entry = awaited.computeIfAbsent(name, key -> new Awaited());
            if (entry.stage.isCompletedExceptionally()) {
                entry.stage = new CompletableFuture<>(); // a failure was for those who waited then; a new handshake waits anew
            }
            entry.waiting++;
            stage = entry.stage;
        }
        served(name, stage);
        return stage;
    }

    /** The caller of {@link #forName} no longer waits for {@code name}; the last one to leave forgets it. */
    synchronized void release(String name) {
        Awaited entry = awaited.get(name);
        if (entry != null && --entry.waiting <= 0) {
            awaited.remove(name);
        }
    }

    /** Fails the handshakes waiting for {@code name} with {@code sentence} (it cannot be obtained). */
    void fail(String name, String sentence) {
        CompletableFuture<CertifiedKey> stage = stage(name);
        if (stage != null) {
            // it cannot be obtained here as things are (refused, unmanaged): only its owner changes that
            stage.completeExceptionally(new OwnerActionException(sentence, null));
        }
    }

    /** How many names handshakes wait for now. */
    synchronized int names() {
        return awaited.size();
    }

    private synchronized CompletableFuture<CertifiedKey> stage(String name) {
        Awaited entry = awaited.get(name);
        return entry == null ? null : entry.stage;
    }

    @Override
    public void looked(ManagedCertificate certificate, AutoTlsException failure) {
        for (String name : certificate.names) {
            CompletableFuture<CertifiedKey> stage = stage(name);
            if (stage != null && !served(name, stage) && failure != null) {
                stage.completeExceptionally(failure);
            }
        }
    }

    @Override
    public void removed(ManagedCertificate certificate) {
        for (String name : certificate.names) {
            fail(name, name + " was unmanaged before its certificate was served");
        }
    }

    /**
     * One look at the store for the awaited names this instance manages: their versions in one query, then a read
     * of only those that changed since the last look (serving one tells the watchers, so its stage completes).
     */
    void lookInStore() {
        List<ManagedCertificate> certificates = new ArrayList<>();
        synchronized (this) {
            for (String name : awaited.keySet()) {
                manager.certificate(name).ifPresent(certificates::add);
            }
        }
        if (certificates.isEmpty()) {
            return;
        }
        Map<ManagedCertificate, Long> versions;
        try {
            versions = manager.storedVersions(certificates);
        } catch (IOException e) {
            LOG.debug("could not read the versions of awaited certificates from the store: {}", e.toString());
            return;
        }
        versions.forEach((certificate, version) -> {
            if (!changed(certificate.firstName(), version)) {
                return;
            }
            try {
                manager.lookInStore(certificate);
            } catch (IOException e) {
                LOG.debug("could not look for {} in the store: {}", certificate, e.toString());
                forget(certificate.firstName()); // read it again at the next look
            }
        });
    }

    /** Whether {@code version} differs from what the poll saw last for {@code name}; remembers it. */
    private synchronized boolean changed(String name, Long version) {
        Awaited entry = awaited.get(name);
        if (entry == null || version.equals(entry.seenVersion)) {
            return false;
        }
        entry.seenVersion = version;
        return true;
    }

    private synchronized void forget(String name) {
        Awaited entry = awaited.get(name);
        if (entry != null) {
            entry.seenVersion = null;
        }
    }

    /** Completes {@code stage} when the registry serves a CA-issued certificate for {@code name}; whether it did. */
    private boolean served(String name, CompletableFuture<CertifiedKey> stage) {
        CertifiedKey entry = registry.lookup(name).orElse(null);
        if (entry != null && !entry.selfSigned()) {
            stage.complete(entry);
            return true;
        }
        return false;
    }
}
