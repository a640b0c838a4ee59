package dev.autotls.internal.acme;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autotls.internal.store.CorruptDataException;
import dev.autotls.internal.store.Pem;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.internal.tls.KeyType;
import dev.autotls.spi.CertificateStore;
import dev.autotls.spi.OwnerActionException;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.security.KeyPair;
import java.time.Clock;
import java.util.Optional;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.exception.AcmeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one ACME account per CA and storage.
 *
 * <p>The account key is generated once and stored <em>before</em> the CA hears of it, so a
 * crash at any point can never lead to a second account: the CA answers a repeated
 * new-account request for a known key with the existing account. Generating and registering
 * happen under the account's lease, so instances sharing a store that start together make
 * one key and one account between them: the others wait, read what the first stored, and
 * use it. Once the account URL is stored, logging in costs no request at all.
 */
public final class AccountService {
    private static final Logger LOG = LoggerFactory.getLogger(AccountService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CertificateStore store;
    private final String caFolder;
    private final AccountSettings settings;
    private final Clock clock;

    public AccountService(CertificateStore store, String caFolder, AccountSettings settings, Clock clock) {
        this.store = store;
        this.caFolder = caFolder;
        this.settings = settings;
        this.clock = clock;
    }

    /** How long an instance waits for another that is registering the site's account. */
    private static final java.time.Duration ACCOUNT_LOCK_WAIT = java.time.Duration.ofMinutes(2);

    /** The stored account key pair, generating and storing one first if there is none; call under the account lease. */
    private KeyPair keyPair() throws IOException {
        String key = StorageKeys.account(caFolder, StorageKeys.ACCOUNT_KEY);
        Optional<byte[]> stored = store.load(key);
        if (stored.isPresent()) {
            return Pem.decodeKeyPair(stored.get(), caFolder + "/account/" + StorageKeys.ACCOUNT_KEY);
        }
        KeyPair generated = KeyType.EC256.generate();
        store.save(key, Pem.encodeKeyPair(generated), CertificateStore.Sensitivity.SECRET);
        LOG.info("Created a new ACME account key in {}/account.", caFolder);
        return generated;
    }

    /** The stored account URL, if the account was registered with the CA before. */
    public Optional<URL> storedAccountUrl() throws IOException {
        Optional<byte[]> stored = store.load(StorageKeys.account(caFolder, StorageKeys.ACCOUNT_INFO));
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        try {
            JsonNode info = JSON.readTree(stored.get());
            return Optional.of(URI.create(info.path("url").asText()).toURL());
        } catch (IOException | IllegalArgumentException e) {
            throw new CorruptDataException(caFolder + "/account/" + StorageKeys.ACCOUNT_INFO + " has no valid account url", e);
        }
    }

    /**
     * A login for this CA: from storage without a request when possible, else by
     * registering (or finding) the account for the stored key.
     */
    public Login login(Session session) throws IOException, AcmeException, OwnerActionException {
        Optional<URL> known = storedAccountUrl();
        Optional<byte[]> storedKey = store.load(StorageKeys.account(caFolder, StorageKeys.ACCOUNT_KEY));
        if (known.isPresent() && storedKey.isPresent()) {
            return session.login(known.get(), Pem.decodeKeyPair(storedKey.get(), caFolder + "/account/" + StorageKeys.ACCOUNT_KEY));
        }
        try (dev.autotls.spi.Lease lease = store.locker().acquire(
                StorageKeys.lockFor(StorageKeys.accountFolder(caFolder)), ACCOUNT_LOCK_WAIT)) {
            return loginOrRegister(session);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for another instance to register the account");
        }
    }

    /** Under the account lease: another instance may have registered meanwhile, so read again first. */
    private Login loginOrRegister(Session session) throws IOException, AcmeException, OwnerActionException {
        KeyPair keyPair = keyPair();
        Optional<URL> known = storedAccountUrl();
        if (known.isPresent()) {
            return session.login(known.get(), keyPair);
        }
        Optional<URI> terms = session.getMetadata().getTermsOfService();
        if (terms.isPresent() && !settings.agreeToTerms()) {
            throw new CaRefusalException("the CA requires agreeing to its terms of service (" + terms.get()
                    + "); read them, then set autotls.agree-tos=true");
        }
        if (session.getMetadata().isExternalAccountRequired() && !settings.hasExternalAccountBinding()) {
            throw new CaRefusalException("the CA at " + session.getServerUri() + " requires external account binding; set "
                    + settings.eabSettings() + " to the values the CA gave you");
        }
        AccountBuilder builder = new AccountBuilder().useKeyPair(keyPair);
        if (settings.agreeToTerms()) {
            builder.agreeToTermsOfService();
        }
        settings.emailAddress().ifPresent(builder::addEmail);
        if (settings.hasExternalAccountBinding()) {
            builder.withKeyIdentifier(settings.eabKeyId(), settings.eabHmacKey());
        }
        Login login = builder.createLogin(session);
        saveAccountUrl(login.getAccountLocation());
        LOG.info("Registered ACME account {} with {}.", login.getAccountLocation(), session.getServerUri());
        return login;
    }

    private void saveAccountUrl(URL url) throws IOException {
        ObjectNode info = JSON.createObjectNode();
        info.put("url", url.toString());
        settings.emailAddress().ifPresent(email -> info.put("contact", "mailto:" + email));
        info.put("registeredAt", clock.instant().toString());
        store.save(StorageKeys.account(caFolder, StorageKeys.ACCOUNT_INFO), JSON.writeValueAsBytes(info),
                CertificateStore.Sensitivity.PUBLIC);
    }

}
