package dev.autotls;

import dev.autotls.acme.AccountService;
import dev.autotls.acme.AccountSettings;
import dev.autotls.acme.AcmeClient;
import dev.autotls.acme.OrderFlow;
import dev.autotls.acme.Poller;
import dev.autotls.acme.TrustingAcmeProvider;
import dev.autotls.spi.CertificateStore;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the client of the configured CA: its trusted roots, the proxy, the account kept in the store. */
final class CaConnection {
    private static final Logger LOG = LoggerFactory.getLogger(CaConnection.class);

    private CaConnection() {
    }

    static AcmeClient open(AutoTlsConfig config, CertificateStore store, String caFolder, Clock clock) {
        TrustingAcmeProvider provider;
        try {
            provider = TrustingAcmeProvider.create(config.caTrust().orElse(null), clock);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException(Setting.CA_TRUST.key() + " = '" + config.caTrust().orElse(null)
                    + "': cannot be used as trusted roots (" + e.getMessage() + ")", e);
        }
        config.proxy().filter(proxy -> proxy.user().isPresent()
                && System.getProperty("jdk.http.auth.tunneling.disabledSchemes", "Basic").contains("Basic"))
                .ifPresent(proxy -> LOG.warn("autotls.proxy has credentials, but this JVM refuses Basic authentication "
                        + "for HTTPS tunnels, so the proxy will not get them; start java with "
                        + "-Djdk.http.auth.tunneling.disabledSchemes= to allow it."));
        AccountSettings account = new AccountSettings(config.agreeToTerms(), config.email().orElse(null),
                config.eabKeyId().orElse(null), config.eabHmacKey().orElse(null));
        return new AcmeClient(config.caDirectory(), provider, new AccountService(store, caFolder, account, clock),
                new OrderFlow(Poller.standard(), config.cas().profile()), config.proxy());
    }
}
