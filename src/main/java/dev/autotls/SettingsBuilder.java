package dev.autotls;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * The setting calls of {@link AutoTls.Builder}, one per {@link Setting} that code commonly
 * sets, plus {@link #set} for any of them. Values given here are the application's defaults:
 * command-line options, {@code -Dautotls.*} and {@code AUTOTLS_*} override them.
 *
 * @param <B> the builder type, so calls chain
 */
public abstract class SettingsBuilder<B extends SettingsBuilder<B>> {
    private final Map<Setting, String> values = new EnumMap<>(Setting.class);

    SettingsBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The values set so far, for the builder's sources. */
    Map<Setting, String> values() {
        return values;
    }

    /** Any setting by its key, e.g. {@code set(Setting.CA, "letsencrypt-staging")}. */
    public B set(Setting setting, String value) {
        values.put(setting, value);
        return self();
    }

    public B domains(String... names) {
        return set(Setting.DOMAINS, String.join(",", names));
    }

    public B email(String email) {
        return set(Setting.EMAIL, email);
    }

    /** {@code letsencrypt}, {@code letsencrypt-staging}, or an ACME directory URL. */
    public B ca(String ca) {
        return set(Setting.CA, ca);
    }

    public B caTrust(Path pemFile) {
        return set(Setting.CA_TRUST, pemFile.toString());
    }

    public B storage(Path folder) {
        return set(Setting.STORAGE, folder.toString());
    }

    /** A folder, or a PostgreSQL URL ({@code postgresql://user@host:5432/database}) shared by several instances. */
    public B storage(String folderOrUrl) {
        return set(Setting.STORAGE, folderOrUrl);
    }

    public B challenge(String strategy) {
        return set(Setting.CHALLENGE, strategy);
    }

    public B httpsPort(int port) {
        return set(Setting.HTTPS_PORT, Integer.toString(port));
    }

    public B httpPort(int port) {
        return set(Setting.HTTP_PORT, Integer.toString(port));
    }

    public B bind(String address) {
        return set(Setting.BIND, address);
    }

    public B agreeToTermsOfService(boolean agree) {
        return set(Setting.AGREE_TOS, Boolean.toString(agree));
    }

    public B keyType(dev.autotls.tls.KeyType type) {
        return set(Setting.KEY_TYPE, type.configName());
    }

    public B externalAccountBinding(String keyId, String hmacKey) {
        set(Setting.EAB_KID, keyId);
        return set(Setting.EAB_HMAC_KEY, hmacKey);
    }
}
