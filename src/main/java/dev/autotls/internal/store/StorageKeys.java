package dev.autotls.internal.store;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one place storage keys are built, so that data from different CAs never collides
 * and the layout stays documented:
 *
 * <pre>
 * &lt;ca&gt;/account/account-key.pem          the ACME account key pair (secret)
 * &lt;ca&gt;/account/account.json             the account URL and contact
 * &lt;ca&gt;/certificates/&lt;name&gt;/privkey.pem    the certificate's key pair (secret)
 * &lt;ca&gt;/certificates/&lt;name&gt;/fullchain.pem  leaf then intermediates
 * &lt;ca&gt;/certificates/&lt;name&gt;/meta.json      names, issue time, validity
 *
 * acme-dns/&lt;server&gt;/&lt;name&gt;.json      an acme-dns registration for a base name (secret)
 * http-01/&lt;token&gt;                    the key authorization of a pending http-01 challenge
 * tls-alpn-01/&lt;name&gt;                 the key authorization of a pending tls-alpn-01 challenge for a name
 *
 * local/ca/root.pem                        the built-in local CA's root (its key is never stored)
 * local/ca/intermediate.pem, intermediate-key.pem   its one intermediate and that key pair (secret)
 *
 * managed/names.json                   the names managed at run time, with a version ({@link ManagedNamesFile})
 * pacing/&lt;ca&gt;.json                    the order queue of the account at that CA (admissions, pauses, waiting)
 * </pre>
 *
 * Lease names mirror what they guard under {@code locks/}: {@code locks/<ca>/account},
 * {@code locks/<ca>/certificates/<name>}, {@code locks/acme-dns/<server>/<name>}, and
 * {@link #MIGRATION_LEASE}, {@link #MANAGED_NAMES_LEASE}; they are keys too, though leases are kept apart from the items.
 *
 * {@code <ca>} is the directory URL folded into one safe folder name (host, port and path), or
 * {@code local} for the built-in local CA ({@link #LOCAL_CA_DIRECTORY}),
 * {@code <name>} the certificate's first name with {@code *} spelled {@code _wildcard}.
 */
public final class StorageKeys {
    private static final Pattern SAFE_SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");

    public static final String ACCOUNT_KEY = "account-key.pem";
    public static final String ACCOUNT_INFO = "account.json";
    public static final String PRIVATE_KEY = "privkey.pem";
    public static final String FULL_CHAIN = "fullchain.pem";
    public static final String METADATA = "meta.json";

    /** The lease a storage migration holds on its target, so two migrations never interleave their checks and writes. */
    public static final String MIGRATION_LEASE = "locks/migrate-storage";

    /**
     * The names managed at run time, shared by every instance of the site. A key of its own beside
     * the CA folders (as {@link #LOCAL_FOLDER} is), so an instance of a version before it never
     * reads or writes it and keeps serving during a rolling upgrade.
     */
    public static final String MANAGED_FOLDER = "managed";
    public static final String MANAGED_NAMES = MANAGED_FOLDER + "/names.json";
    /** Held while the set is read, changed and written again, so two changes never lose one another. */
    public static final String MANAGED_NAMES_LEASE = "locks/" + MANAGED_FOLDER + "/names";

    /**
     * Each CA account's order queue, shared by every instance: beside the CA folders, so an instance of
     * a version before pacing never reads or writes it.
     */
    public static final String PACING_FOLDER = "pacing";

    /** The order queue of the account at the CA folded into {@code caFolder}. */
    public static String pacing(String caFolder) {
        return PACING_FOLDER + "/" + caFolder + ".json";
    }

    /** Held while that queue is read, decided on and written again, so two instances never admit past the limit. */
    public static String pacingLock(String caFolder) {
        return lockFor(PACING_FOLDER + "/" + caFolder);
    }

    static final String ACCOUNT_FOLDER = "account";
    static final String CERTIFICATES_FOLDER = "certificates";
    static final String ACME_DNS_FOLDER = "acme-dns";
    static final String REGISTRATION_SUFFIX = ".json";

    /** Stands for the built-in local CA wherever a CA is named by its directory URL; its folder is {@link #LOCAL_FOLDER}. */
    public static final URI LOCAL_CA_DIRECTORY = URI.create("autotls:local");
    public static final String LOCAL_FOLDER = "local";
    public static final String LOCAL_ROOT = "root.pem";
    /** Where the first version of the local CA kept its root's key; only ever deleted now. */
    public static final String FORMER_LOCAL_ROOT_KEY = "root-key.pem";
    public static final String LOCAL_INTERMEDIATE = "intermediate.pem";
    public static final String LOCAL_INTERMEDIATE_KEY = "intermediate-key.pem";

    private StorageKeys() {
    }

    /** One file of the local CA's root and intermediate (one of the {@code LOCAL_*} names above). */
    public static String localCa(String file) {
        return LOCAL_FOLDER + "/ca/" + file;
    }

    /** The lease held while the local CA's root and intermediate are made, so a cluster makes one. */
    public static String localCaLock() {
        return lockFor(LOCAL_FOLDER + "/ca");
    }

    /** The folder of everything that belongs to the CA at {@code directoryUrl}. */
    public static String caFolder(URI directoryUrl) {
        if (LOCAL_CA_DIRECTORY.equals(directoryUrl)) {
            return LOCAL_FOLDER; // only an ACME CA at https://local/ would fold to it too, and none is named so
        }
        StringBuilder slug = new StringBuilder(directoryUrl.getHost() == null ? "ca" : directoryUrl.getHost());
        if (directoryUrl.getPort() != -1) {
            slug.append('_').append(directoryUrl.getPort());
        }
        String path = directoryUrl.getPath() == null ? "" : directoryUrl.getPath();
        for (String part : path.split("/")) {
            if (!part.isEmpty()) {
                slug.append('-').append(part);
            }
        }
        return sanitize(slug.toString().toLowerCase(Locale.ROOT));
    }

    public static String account(String caFolder, String file) {
        return accountFolder(caFolder) + "/" + file;
    }

    public static String accountFolder(String caFolder) {
        return caFolder + "/" + ACCOUNT_FOLDER;
    }

    public static String certificatesFolder(String caFolder) {
        return caFolder + "/" + CERTIFICATES_FOLDER;
    }

    public static String certificate(String caFolder, String certificateName, String file) {
        return certificatesFolder(caFolder) + "/" + certificateName + "/" + file;
    }

    /** Where the acme-dns registration for {@code baseName} at the server {@code serverUrl} is kept. */
    public static String acmeDnsRegistration(URI serverUrl, String baseName) {
        return acmeDnsRegistrationFile(caFolder(serverUrl), certificateName(baseName) + REGISTRATION_SUFFIX);
    }

    /** The folder of the acme-dns registrations at the server folded into {@code serverFolder}. */
    static String acmeDnsServerFolder(String serverFolder) {
        return ACME_DNS_FOLDER + "/" + serverFolder;
    }

    /** The key of the registration file {@code fileName} (as listed) in {@code serverFolder}. */
    static String acmeDnsRegistrationFile(String serverFolder, String fileName) {
        return acmeDnsServerFolder(serverFolder) + "/" + fileName;
    }

    /** Where the answer to the http-01 challenge with {@code token} waits for the CA, or empty for a token that cannot be one. */
    public static java.util.Optional<String> httpToken(String token) {
        // RFC 8555 tokens are base64url; anything else is not ours and must not become a key
        return token.matches("[A-Za-z0-9_-]{1,256}") ? java.util.Optional.of("http-01/" + token) : java.util.Optional.empty();
    }

    /** The folder of every pending tls-alpn-01 answer. */
    public static final String TLS_ALPN_FOLDER = "tls-alpn-01";

    /** Where the key authorization of the pending tls-alpn-01 challenge for {@code name} (never a wildcard) waits. */
    public static String tlsAlpnAnswer(String name) {
        return TLS_ALPN_FOLDER + "/" + certificateName(name);
    }

    /** The lease that guards {@code key}'s changes (an account folder, a certificate folder, a registration). */
    public static String lockFor(String key) {
        return "locks/" + key;
    }

    /** The folder key of the certificate whose first name is {@code firstName}. */
    public static String certificateFolder(String caFolder, String firstName) {
        return certificatesFolder(caFolder) + "/" + certificateName(firstName);
    }

    /** The folder name for a certificate whose first name is {@code name}. */
    public static String certificateName(String name) {
        return sanitize(name.toLowerCase(Locale.ROOT).replace("*", "_wildcard"));
    }

    /** Whether {@code key} may be used as a key (a folder may hold other names, e.g. {@code lost+found}). */
    static boolean isValid(String key) {
        try {
            requireValid(key);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static void requireValid(String key) {
        if (key.isEmpty() || key.startsWith("/")) {
            throw new IllegalArgumentException("storage key '" + key + "' must be a relative path");
        }
        for (String segment : key.split("/", -1)) {
            if (!SAFE_SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("storage key '" + key + "' has an unsafe part '" + segment + "'");
            }
        }
    }

    private static String sanitize(String raw) {
        String cleaned = raw.replaceAll("[^A-Za-z0-9._-]", "_");
        return cleaned.startsWith(".") ? "_" + cleaned : cleaned;
    }
}
