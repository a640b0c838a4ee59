package dev.autotls.internal.acme;

import dev.autotls.ConfigurationException;
import dev.autotls.Setting;
import dev.autotls.internal.config.AutoTlsConfig;
import dev.autotls.internal.config.CaList;
import dev.autotls.internal.config.CaSettings;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.spi.CertificateStore;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the client of the configured CA: its trusted roots, the proxy, the account kept in the store. */
public final class CaConnection {
    private static final Logger LOG = LoggerFactory.getLogger(CaConnection.class);

    private CaConnection() {
    }

    /** The client of the first CA in {@code autotls.ca}, keeping its account under {@code caFolder}. */
    public static AcmeClient open(AutoTlsConfig config, CertificateStore store, String caFolder, Clock clock) {
        CaList.Endpoint primary = config.cas().primary();
        if (primary.directory().equals(StorageKeys.LOCAL_CA_DIRECTORY)) {
            // autotls.ca=local: no certificate goes to an ACME CA, but the parts wired with a client still need one;
            // it points at the default CA and is never asked (acme4j accepts no other kind of URL)
            primary = new CaList.Endpoint(1, CaSettings.defaultDirectory(), Optional.empty(), Optional.empty(), Optional.empty());
        }
        return open(config, primary, store, caFolder, clock);
    }

    /** The client of {@code ca}, with its own trust and EAB, keeping its account under {@code caFolder}. */
    public static AcmeClient open(AutoTlsConfig config, CaList.Endpoint ca, CertificateStore store, String caFolder, Clock clock) {
        TrustingAcmeProvider provider;
        try {
            provider = TrustingAcmeProvider.create(ca.trust().orElse(null), clock);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException(config.names().of(CaSettings.forCa(ca.position()).get(0)) + " = '" + ca.trust().orElse(null)
                    + "': cannot be used as trusted roots (" + e.getMessage() + ")", e);
        }
        config.proxy().filter(proxy -> ca.position() == 1 && proxy.user().isPresent()
                && System.getProperty("jdk.http.auth.tunneling.disabledSchemes", "Basic").contains("Basic"))
                .ifPresent(proxy -> LOG.warn("autotls.proxy has credentials, but this JVM refuses Basic authentication "
                        + "for HTTPS tunnels, so the proxy will not get them; start java with "
                        + "-Djdk.http.auth.tunneling.disabledSchemes= to allow it."));
        AccountSettings account = new AccountSettings(config.agreeToTerms(), config.email().orElse(null),
                ca.eabKeyId().orElse(null), ca.eabHmacKey().orElse(null),
                CaSettings.forCa(ca.position()).get(1).key() + " and " + CaSettings.forCa(ca.position()).get(2).key());
        return new AcmeClient(ca.directory(), provider, new AccountService(store, caFolder, account, clock),
                new OrderFlow(Poller.standard(), config.cas().profile()), config.proxy(), clock,
                new CaSettingNames(config.names().of(Setting.CA), config.names().of(CaSettings.forCa(ca.position()).get(0))));
    }
}
