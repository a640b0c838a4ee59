package dev.autotls.internal.ondemand;

import dev.autotls.internal.engine.CertificateManager;
import dev.autotls.internal.engine.CertificateWatcher;
import dev.autotls.internal.engine.ManagedCertificate;
import dev.autotls.internal.tls.CertificateRegistry;
import dev.autotls.internal.tls.CertifiedKey;
import dev.autotls.spi.AutoTlsException;
import dev.autotls.spi.TransientException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stage per name that handshakes wait for: complete once the registry serves a CA-issued
 * certificate for it, failed when its order fails or it is unmanaged. Told by the engine as a
 * {@link CertificateWatcher} (a job ended, the sync served something); {@link #lookInStore}, run
 * every {@link #POLL} while any name is awaited, serves what another instance of the site stored
 * without waiting for the sync interval.
 */
final class Waits implements CertificateWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Waits.class);
    /** How often the store is read for awaited names, as the tls-alpn-01 answers are looked for. */
    static final java.time.Duration POLL = java.time.Duration.ofMillis(500);

    private final CertificateRegistry registry;
    private final CertificateManager manager;
    private final Map<String, CompletableFuture<CertifiedKey>> awaited = new ConcurrentHashMap<>();

    Waits(CertificateRegistry registry, CertificateManager manager) {
        this.registry = registry;
        this.manager = manager;
    }

    /** The stage for {@code name} (canonical), shared by every handshake waiting for it; complete already if it is served. */
    CompletableFuture<CertifiedKey> forName(String name) {
        CompletableFuture<CertifiedKey> stage = awaited.computeIfAbsent(name, key -> {
            CompletableFuture<CertifiedKey> made = new CompletableFuture<>();
            made.whenComplete((entry, failure) -> awaited.remove(key, made));
            return made;
        });
        served(name, stage);
        return stage;
    }

    /** Fails the handshakes waiting for {@code name} with {@code sentence} (it cannot be obtained). */
    void fail(String name, String sentence) {
        CompletableFuture<CertifiedKey> stage = awaited.get(name);
        if (stage != null) {
            stage.completeExceptionally(new TransientException(sentence, null));
        }
    }

    /** How many names handshakes wait for now. */
    int names() {
        return awaited.size();
    }

    @Override
    public void looked(ManagedCertificate certificate, AutoTlsException failure) {
        for (String name : certificate.names) {
            CompletableFuture<CertifiedKey> stage = awaited.get(name);
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

    /** Reads the store for every awaited name this instance manages but serves no CA certificate for yet. */
    void lookInStore() {
        for (String name : List.copyOf(awaited.keySet())) {
            manager.certificate(name).ifPresent(certificate -> {
                try {
                    manager.lookInStore(certificate); // serving it tells the watchers, so the stage completes
                } catch (IOException e) {
                    LOG.debug("could not look for {} in the store: {}", name, e.toString());
                }
            });
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
