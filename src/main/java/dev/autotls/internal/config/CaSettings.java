package dev.autotls.internal.config;

import dev.autotls.ConfigurationException;
import dev.autotls.Setting;
import dev.autotls.internal.acme.TrustingAcmeProvider;
import dev.autotls.internal.store.StorageKeys;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads {@code autotls.ca} (one CA or an ordered list), each CA's numbered trust and EAB
 * settings, {@code autotls.profile} and {@code autotls.ca.fallback-after} into a {@link CaList}.
 * A setting that can never work (a numbered setting for a CA that is not listed, half an EAB
 * pair, the same CA twice) is refused here, at start, naming the setting and the fix.
 */
public final class CaSettings {
    static final URI LETSENCRYPT = URI.create("https://acme-v02.api.letsencrypt.org/directory");
    static final URI LETSENCRYPT_STAGING = URI.create("https://acme-staging-v02.api.letsencrypt.org/directory");
    /** The value of {@code autotls.ca} that chooses the built-in local CA. */
    static final String LOCAL = "local";
    private static final Pattern PROFILE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private CaSettings() {
    }

    /** The CA of an unset {@code autotls.ca}. */
    public static URI defaultDirectory() {
        return LETSENCRYPT;
    }

    static CaList resolve(SettingSources sources) {
        SettingSources.Value value = sources.get(Setting.CA).orElseThrow();
        String[] parts = value.text().split(",", -1);
        if (parts.length == 1 && parts[0].trim().equalsIgnoreCase(LOCAL)) {
            refuseAcmeOnlySettings(sources, value);
            CaList.Endpoint local = new CaList.Endpoint(1, StorageKeys.LOCAL_CA_DIRECTORY, Optional.empty(), Optional.empty(),
                    Optional.empty());
            return new CaList(List.of(local), profile(sources), duration(sources, Setting.CA_FALLBACK_AFTER), LocalCaUse.ALL);
        }
        List<CaList.Endpoint> cas = new ArrayList<>();
        for (String part : parts) {
            String entry = part.trim();
            if (entry.isEmpty()) {
                throw value.invalid("an empty entry in the list; give letsencrypt, letsencrypt-staging or ACME directory URLs, "
                        + "separated by commas");
            }
            if (entry.equalsIgnoreCase(LOCAL)) {
                throw value.invalid("local cannot be one of several CAs: it issues only for local names, so it is no fallback "
                        + "for an ACME CA; set " + sources.names().assignment(Setting.CA, "local") + " alone, or leave it unset "
                        + "so that local names use "
                        + "it and the others the default CA");
            }
            URI directory = directory(value, entry);
            for (CaList.Endpoint earlier : cas) {
                if (earlier.directory().equals(directory)) {
                    throw value.invalid(entry + " is listed twice; name each CA once");
                }
            }
            int position = cas.size() + 1;
            if (position > Setting.MAX_CAS) {
                throw value.invalid("lists more than " + Setting.MAX_CAS + " CAs; keep the first " + Setting.MAX_CAS);
            }
            cas.add(endpoint(sources, position, directory));
        }
        for (int position = cas.size() + 1; position <= Setting.MAX_CAS; position++) {
            List<Setting> numbered = new ArrayList<>(forCa(position));
            numbered.addAll(OrderLimits.settingsFor(position));
            for (Setting orphan : numbered) {
                if (text(sources, orphan).isPresent()) {
                    SettingNames names = sources.names();
                    throw new ConfigurationException(names.of(orphan) + " is set, but " + names.of(Setting.CA) + " lists "
                            + cas.size() + " CA" + (cas.size() == 1 ? "" : "s") + "; add CA number " + position
                            + " to " + names.of(Setting.CA) + ", or unset " + names.of(orphan));
                }
            }
        }
        return new CaList(cas, profile(sources), duration(sources, Setting.CA_FALLBACK_AFTER),
                value.isDefault() ? LocalCaUse.LOCAL_NAMES : LocalCaUse.OFF);
    }

    private static URI directory(SettingSources.Value value, String entry) {
        switch (entry.toLowerCase(Locale.ROOT)) {
            case "letsencrypt":
                return LETSENCRYPT;
            case "letsencrypt-staging":
                return LETSENCRYPT_STAGING;
            default:
                try {
                    URI uri = new URI(entry);
                    boolean web = "https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme());
                    if (web && uri.getHost() != null) {
                        return uri;
                    }
                } catch (java.net.URISyntaxException e) {
                    // explained below
                }
                throw value.invalid("'" + entry + "' is no CA; use letsencrypt, letsencrypt-staging, the https:// URL "
                        + "of an ACME directory (several separated by commas), or local");
        }
    }

    private static CaList.Endpoint endpoint(SettingSources sources, int position, URI directory) {
        List<Setting> own = forCa(position);
        Setting kid = own.get(1);
        Setting hmac = own.get(2);
        Optional<String> eabKid = text(sources, kid);
        Optional<String> eabHmac = text(sources, hmac);
        if (eabKid.isPresent() != eabHmac.isPresent()) {
            throw new ConfigurationException(kid.key() + " and " + hmac.key() + " go together: set both (as the CA gave "
                    + "them to you) or neither");
        }
        eabHmac.ifPresent(key -> checkEabKey(sources.get(hmac).orElseThrow()));
        return new CaList.Endpoint(position, directory, trust(sources, own.get(0)), eabKid, eabHmac,
                OrderLimits.resolve(sources, position, directory));
    }

    /** The EAB MAC key must be base64url of at least 16 bytes: the CA's value copied whole, not a truncated one. */
    private static void checkEabKey(SettingSources.Value value) {
        byte[] key;
        try {
            key = java.util.Base64.getUrlDecoder().decode(value.text().replace('+', '-').replace('/', '_').replace("=", ""));
        } catch (IllegalArgumentException e) {
            throw value.invalid("not base64url; copy the MAC key exactly as the CA gave it (letters, digits, - and _)");
        }
        if (key.length < 16) {
            throw value.invalid("decodes to " + key.length + " bytes, too short for an HMAC key (at least 16); copy the "
                    + "whole value the CA gave you");
        }
    }

    private static Optional<Path> trust(SettingSources sources, Setting setting) {
        Optional<SettingSources.Value> value = sources.get(setting).filter(v -> !v.text().isEmpty());
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Path path;
        try {
            path = Path.of(value.get().text()).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw value.get().invalid("not a valid path (" + e.getMessage() + ")");
        }
        if (!Files.isReadable(path)) {
            throw value.get().invalid("the file cannot be read; give a readable PEM file of root certificates");
        }
        try {
            TrustingAcmeProvider.readCertificates(path);
        } catch (IOException | GeneralSecurityException e) {
            throw value.get().invalid("not a PEM file of certificates (" + e.getMessage() + ")");
        }
        return Optional.of(path);
    }

    private static Optional<String> profile(SettingSources sources) {
        Optional<SettingSources.Value> value = sources.get(Setting.PROFILE).filter(v -> !v.text().isEmpty());
        if (value.isPresent() && !PROFILE.matcher(value.get().text()).matches()) {
            throw value.get().invalid("not a profile name; give one the CA lists, such as classic, tlsserver or shortlived "
                    + "(`doctor` shows the CA's)");
        }
        return value.map(SettingSources.Value::text);
    }

    /** A duration as {@link Durations#parse} reads it. */
    static Duration duration(SettingSources sources, Setting setting) {
        SettingSources.Value value = sources.get(setting).orElseThrow();
        return Durations.parse(value.text())
                .orElseThrow(() -> value.invalid("give a positive duration such as 1d, 12h, 30m or 10s"));
    }

    /** Settings only an ACME CA reads: with {@code autotls.ca=local} alone they would be ignored without a word. */
    private static final List<Setting> ACME_ONLY = List.of(Setting.CA_TRUST, Setting.EAB_KID, Setting.EAB_HMAC_KEY,
            Setting.PROFILE, Setting.CA_FALLBACK_AFTER, Setting.CA_2_TRUST, Setting.CA_2_EAB_KID, Setting.CA_2_EAB_HMAC_KEY,
            Setting.CA_3_TRUST, Setting.CA_3_EAB_KID, Setting.CA_3_EAB_HMAC_KEY, Setting.CA_ORDER_LIMIT,
            Setting.CA_DOMAIN_LIMIT, Setting.CA_2_ORDER_LIMIT, Setting.CA_2_DOMAIN_LIMIT, Setting.CA_3_ORDER_LIMIT,
            Setting.CA_3_DOMAIN_LIMIT);

    private static void refuseAcmeOnlySettings(SettingSources sources, SettingSources.Value ca) {
        SettingNames names = sources.names();
        List<String> given = ACME_ONLY.stream().filter(names::given).map(names::of).toList();
        if (!given.isEmpty()) {
            throw ca.invalid("the built-in local CA has no account, trust, profile or fallback, so "
                    + String.join(", ", given) + (given.size() == 1 ? " would be" : " would all be")
                    + " ignored; unset " + (given.size() == 1 ? "it" : "them") + ", or name an ACME CA instead of local");
        }
    }

    private static Optional<String> text(SettingSources sources, Setting setting) {
        return sources.get(setting).map(SettingSources.Value::text).filter(t -> !t.isEmpty());
    }

    /**
     * The trust, EAB key id and EAB MAC key settings of the {@code position}-th CA in
     * {@code autotls.ca} (1 is the first, whose settings are the unnumbered ones), in that order.
     */
    public static List<Setting> forCa(int position) {
        switch (position) {
            case 1: return List.of(Setting.CA_TRUST, Setting.EAB_KID, Setting.EAB_HMAC_KEY);
            case 2: return List.of(Setting.CA_2_TRUST, Setting.CA_2_EAB_KID, Setting.CA_2_EAB_HMAC_KEY);
            case 3: return List.of(Setting.CA_3_TRUST, Setting.CA_3_EAB_KID, Setting.CA_3_EAB_HMAC_KEY);
            default: throw new IllegalArgumentException("autotls.ca lists at most " + Setting.MAX_CAS + " CAs, not " + position);
        }
    }
}
