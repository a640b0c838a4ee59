package dev.autotls.internal.config;

import dev.autotls.ConfigurationException;
import dev.autotls.Setting;
import dev.autotls.internal.store.ManagedNames;
import dev.autotls.internal.store.ManagedNamesFile;
import dev.autotls.internal.store.StorageFailures;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.spi.CertificateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Refuses what can never work, one sentence each, instead of retrying it for ever: a storage
 * folder this process cannot write (when the AutoTls is built), and no agreement to the CA's
 * terms when no account exists yet (when it starts serving: an account cannot be created
 * without it, while tools such as {@code records} for acme-dns need none, and neither does a
 * configuration whose certificates all come from the built-in local CA). A store that is
 * only unreachable right now is not refused: that passes.
 */
public final class StartupChecks {
    private StartupChecks() {
    }

    public static void requireWritableStorage(AutoTlsConfig config) {
        config.storage().folder().ifPresent(folder -> requireWritable(folder, config.names().of(Setting.STORAGE)));
    }

    /**
     * Refuses to build an instance that has no name to serve: {@code autotls.domains} is not set and
     * the store holds no names managed at run time. The one place that says when configured names
     * may be left out; another source of names (on demand) adds its condition here.
     */
    public static void requireSomeNames(AutoTlsConfig config, CertificateStore store) {
        if (!config.domains().isEmpty() || config.onDemand().enabled()) {
            return;
        }
        SettingNames how = config.names();
        String example = "name at least one domain, e.g. " + how.toSet(Setting.DOMAINS, "example.com,*.example.com");
        ManagedNames stored;
        try {
            stored = new ManagedNamesFile(store).load();
        } catch (IOException e) {
            // build() reads the store only here, and only without domains: say which store, and both ways out
            throw new ConfigurationException(how.of(Setting.DOMAINS) + " is not set, so the names to serve are the ones "
                    + "managed at run time, and they could not be read from " + store.describe() + " (" + e.getMessage()
                    + "): make " + how.of(Setting.STORAGE) + " reachable and start again, or " + example);
        }
        if (stored.names().isEmpty()) {
            throw new ConfigurationException(how.of(Setting.DOMAINS) + " is not set and " + store.describe()
                    + " holds no names managed at run time: " + example);
        }
    }

    /**
     * Refuses on demand without a permission check (every name a client sends would be ordered), and
     * two checks at once (which one decides would be a guess).
     *
     * @param inCode whether the application gave a check in code ({@code builder.onDemand(permission)})
     */
    public static void requireOnDemandPermission(AutoTlsConfig config, boolean inCode) {
        OnDemandConfig onDemand = config.onDemand();
        SettingNames how = config.names();
        if (!onDemand.enabled()) {
            if (onDemand.ask().isPresent()) {
                org.slf4j.LoggerFactory.getLogger(StartupChecks.class).warn("{} is set but {} is not true, so no name is "
                        + "obtained on demand and the endpoint is never asked; set {} to use it.", how.of(Setting.ON_DEMAND_ASK),
                        how.of(Setting.ON_DEMAND), how.toSet(Setting.ON_DEMAND, "true"));
            }
            return;
        }
        if (onDemand.ask().isEmpty() && !inCode) {
            throw new ConfigurationException(how.of(Setting.ON_DEMAND) + " is true but nothing says which names may be obtained: "
                    + "set " + how.toSet(Setting.ON_DEMAND_ASK, "http://127.0.0.1:9000/allowed") + " (asked ?domain=NAME&client=ADDRESS, "
                    + "2xx allows), or give a check in code with AutoTls.builder().onDemand((name, client) -> ...)");
        }
        if (onDemand.ask().isPresent() && inCode) {
            throw new ConfigurationException(how.of(Setting.ON_DEMAND_ASK) + " is set and a permission check was also given in code "
                    + "(builder.onDemand); keep one of them");
        }
    }

    public static void requireAgreementForANewAccount(AutoTlsConfig config, CertificateStore store, String caFolder) {
        if (!config.agreeToTerms() && config.needsAcme()) { // the built-in local CA has no terms and no account
            boolean accountStored;
            try {
                accountStored = store.load(StorageKeys.account(caFolder, StorageKeys.ACCOUNT_INFO)).isPresent();
            } catch (IOException unreachable) {
                return; // judged again when the store answers: the account may well be there
            }
            if (!accountStored) {
                SettingNames names = config.names();
                String subject = names.onCommandLine(Setting.AGREE_TOS) && !names.given(Setting.AGREE_TOS)
                        ? names.of(Setting.AGREE_TOS) + " is not given" : names.of(Setting.AGREE_TOS) + " is not true";
                throw new ConfigurationException(subject + " and " + store.describe() + " holds no account for "
                        + config.caDirectory() + ", so none can be created; read the CA's terms of service, then set "
                        + names.toSet(Setting.AGREE_TOS, "true"));
            }
        }
    }

    /**
     * Lets {@code https} negotiate acme-tls/1; refuses tls-alpn-01 as configured on a connector without ALPN, where it
     * never works, and says so once when {@code auto} would fall back on it there (HTTP port off).
     */
    public static void acceptAcmeTls(AutoTlsConfig config, org.eclipse.jetty.server.ServerConnector https) {
        if (dev.autotls.internal.jetty.TlsConnectors.acceptAcmeTls(https)) {
            return;
        }
        if (config.challenge() == ChallengeMode.TLS_ALPN_01) {
            throw new ConfigurationException(config.names().of(Setting.CHALLENGE) + " = 'tls-alpn-01' needs ALPN on the HTTPS connector "
                    + https + ", which has none; add ALPN to it (jetty-home: --add-modules=alpn) or choose another challenge");
        }
        if (config.challenge() == ChallengeMode.AUTO && config.httpPort() < 0) {
            org.slf4j.LoggerFactory.getLogger(StartupChecks.class).warn("With {} = off, auto offers tls-alpn-01 in "
                    + "http-01's place, but the HTTPS connector {} has no ALPN, so the CA's tls-alpn-01 check cannot succeed "
                    + "there; add ALPN to it (jetty-home: --add-modules=alpn), or give a DNS way to validate",
                    Setting.HTTP_PORT.key(), https);
        }
    }

    /** Creates and removes a probe file, so a read-only or foreign folder fails now rather than at the first save. */
    private static void requireWritable(Path folder, String setting) {
        Path probe = folder.resolve(".autotls-write-probe-" + ProcessHandle.current().pid());
        try {
            Files.write(probe, new byte[] {1});
            Files.delete(probe);
        } catch (IOException e) {
            throw new ConfigurationException(setting + " = '" + folder + "' cannot be written by this process ("
                    + StorageFailures.reason(e) + "); " + StorageFailures.fix(folder, e));
        }
    }
}
