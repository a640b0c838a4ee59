package dev.autotls.spring;

import dev.autotls.AutoTlsListener;
import dev.autotls.CertificateEvent;
import dev.autotls.internal.tls.CertificateRegistry;
import dev.autotls.internal.tls.CertifiedKey;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.boot.ssl.SslStoreBundle;

/**
 * Keeps the {@code SslBundle} named {@value #BUNDLE} equal to the certificate autotls serves for
 * the first configured name: registered once one is served, updated on every new certificate,
 * so a component that reads the bundle again (or listens for its updates) has the renewed one.
 */
final class SslBundlePublisher implements AutoTlsListener {
    static final String BUNDLE = "autotls";
    private static final Logger LOG = LoggerFactory.getLogger(SslBundlePublisher.class);

    private final SslBundleRegistry bundles;
    private volatile String name;
    private volatile CertificateRegistry served;
    private CertifiedKey published;

    SslBundlePublisher(SslBundleRegistry bundles) {
        this.bundles = bundles;
    }

    /** Starts reading {@code name}'s certificate from {@code registry}, and publishes what it serves now, if anything. */
    void readFrom(CertificateRegistry registry, String name) {
        this.name = name;
        this.served = registry;
        publish();
    }

    @Override
    public void onObtained(CertificateEvent event) {
        publish();
    }

    @Override
    public void onRenewed(CertificateEvent event) {
        publish();
    }

    /** Registers or updates the bundle if the served certificate changed since the last call. */
    synchronized void publish() {
        CertificateRegistry registry = served;
        Optional<CertifiedKey> current = registry == null ? Optional.empty() : registry.lookup(name);
        if (current.isEmpty() || current.get() == published) {
            return;
        }
        SslBundle bundle = bundleOf(current.get());
        if (published == null) {
            bundles.registerBundle(BUNDLE, bundle);
        } else {
            bundles.updateBundle(BUNDLE, bundle);
        }
        published = current.get();
        LOG.info("SslBundle '{}' now holds the certificate for {} (serial {}, valid until {}).", BUNDLE, name,
                published.leaf().getSerialNumber().toString(16), published.notAfter());
    }

    private static SslBundle bundleOf(CertifiedKey key) {
        // in memory only, never written: the password just satisfies the KeyStore API
        String password = UUID.randomUUID().toString();
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(BUNDLE, key.privateKey(), password.toCharArray(), key.chain());
            return SslBundle.of(SslStoreBundle.of(store, password, null), SslBundleKey.of(password, BUNDLE));
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("could not put the certificate for " + key.names() + " into a key store", e);
        }
    }
}
