package dev.autotls.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autotls.internal.store.CertificateFiles;
import dev.autotls.internal.store.Pem;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.internal.store.StoredCertificate;
import dev.autotls.internal.tls.CertifiedKey;
import dev.autotls.internal.tls.KeyType;
import dev.autotls.internal.tls.SelfSignedCertificates;
import dev.autotls.spi.CertificateStore;
import java.io.IOException;
import java.net.URI;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Writes what an instance would have stored for a site (account, certificate, acme-dns
 * registration) in the layout of {@link StorageKeys}, for tests of tools that read stores.
 */
public final class StoredSite {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StoredSite() {
    }

    /** A new account key and {@code account.json} naming {@code accountUrl}, as AccountService writes them. */
    public static void account(CertificateStore store, String caFolder, String accountUrl) throws IOException {
        store.save(StorageKeys.account(caFolder, StorageKeys.ACCOUNT_KEY), Pem.encodeKeyPair(KeyType.EC256.generate()),
                CertificateStore.Sensitivity.SECRET);
        ObjectNode info = JSON.createObjectNode();
        info.put("url", accountUrl);
        info.put("contact", "mailto:owner@example.test");
        info.put("registeredAt", Instant.now().toString());
        store.save(StorageKeys.account(caFolder, StorageKeys.ACCOUNT_INFO), JSON.writeValueAsBytes(info),
                CertificateStore.Sensitivity.PUBLIC);
    }

    /** A real self-signed key and chain for {@code names}, issued at {@code clock}'s now, saved through CertificateFiles. */
    public static StoredCertificate certificate(CertificateStore store, String caFolder, List<String> names, Clock clock)
            throws IOException {
        CertifiedKey key = SelfSignedCertificates.create(names, clock);
        StoredCertificate certificate = new StoredCertificate(names, new KeyPair(key.leaf().getPublicKey(), key.privateKey()),
                List.of(key.chain()), clock.instant());
        new CertificateFiles(store, caFolder).save(certificate);
        return certificate;
    }

    /** An acme-dns registration for {@code baseName} whose CNAME target is {@code fulldomain}, as AcmeDnsStrategy keeps it. */
    public static String registration(CertificateStore store, URI server, String baseName, String fulldomain) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("server", server.toString());
        node.put("username", "user-" + fulldomain);
        node.put("password", "acme-dns-secret-" + fulldomain.hashCode());
        node.put("subdomain", fulldomain.substring(0, fulldomain.indexOf('.')));
        node.put("fulldomain", fulldomain);
        String key = StorageKeys.acmeDnsRegistration(server, baseName);
        store.save(key, JSON.writeValueAsBytes(node), CertificateStore.Sensitivity.SECRET);
        return key;
    }
}
