package dev.autotls.internal.challenge;

import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;

/**
 * A TSIG key (RFC 8945) for RFC 2136 updates: algorithm, key name and secret, read from
 * {@code algorithm:keyname:base64secret} or from a BIND key file as {@code tsig-keygen}
 * writes it. The secret never leaves this object except into the signature: {@link #toString}
 * and every parse error name the key and algorithm only.
 */
public final class TsigKey {
    /** The HMAC algorithms BIND and dnsjava share, by their BIND names. MD5 is left out on purpose. */
    private static final Map<String, Name> ALGORITHMS = Map.of(
            "hmac-sha1", TSIG.HMAC_SHA1,
            "hmac-sha224", TSIG.HMAC_SHA224,
            "hmac-sha256", TSIG.HMAC_SHA256,
            "hmac-sha384", TSIG.HMAC_SHA384,
            "hmac-sha512", TSIG.HMAC_SHA512);
    private static final String ALLOWED = "hmac-sha256 (tsig-keygen's default), hmac-sha384, hmac-sha512, hmac-sha224 or hmac-sha1";
    private static final Pattern KEY_NAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]{0,252})");

    /** {@code key "name" { algorithm a; secret "s"; };} in either order of the two clauses, any spacing. */
    private static final Pattern KEY_STATEMENT = Pattern.compile(
            "key\\s+\"?([^\"\\s{]+)\"?\\s*\\{\\s*((?:(?:algorithm\\s+\"?[^\";\\s]+\"?|secret\\s+\"[^\"]*\")\\s*;\\s*){2})\\}\\s*;");
    private static final Pattern ALGORITHM_CLAUSE = Pattern.compile("algorithm\\s+\"?([^\";\\s]+)\"?\\s*;");
    private static final Pattern SECRET_CLAUSE = Pattern.compile("secret\\s+\"([^\"]*)\"\\s*;");

    private final String algorithm;
    private final String name;
    private final byte[] secret;

    private TsigKey(String algorithm, String name, byte[] secret) {
        this.algorithm = algorithm;
        this.name = name;
        this.secret = secret;
    }

    /**
     * Parses {@code algorithm:keyname:base64secret}, e.g. {@code hmac-sha256:acme-alias:BASE64}.
     *
     * @throws IllegalArgumentException saying what is wrong and how to write it, never quoting the secret
     */
    public static TsigKey parse(String value) {
        String[] parts = value.trim().split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("write the key as algorithm:keyname:base64secret, e.g. "
                    + "hmac-sha256:acme-alias:<the secret from tsig-keygen>");
        }
        return of(parts[0], parts[1], parts[2]);
    }

    /**
     * Reads the one {@code key} statement of a BIND key file, as {@code tsig-keygen -a hmac-sha256 NAME} prints it:
     * {@code key "NAME" { algorithm hmac-sha256; secret "BASE64"; };}. Comments ({@code #}, {@code //},
     * {@code /* *}{@code /}) are ignored.
     *
     * @throws IllegalArgumentException saying what is wrong, never quoting the secret
     */
    public static TsigKey parseKeyFile(String text) {
        String bare = withoutComments(text).strip();
        Matcher statement = KEY_STATEMENT.matcher(bare);
        if (!statement.matches()) {
            throw new IllegalArgumentException("not a BIND key file holding one key statement, "
                    + "key \"NAME\" { algorithm hmac-sha256; secret \"BASE64\"; }; (write it with tsig-keygen NAME > FILE)");
        }
        Matcher algorithm = ALGORITHM_CLAUSE.matcher(statement.group(2));
        Matcher secret = SECRET_CLAUSE.matcher(statement.group(2));
        if (!algorithm.find() || !secret.find()) {
            throw new IllegalArgumentException("the key statement needs one algorithm and one secret clause "
                    + "(write it with tsig-keygen NAME > FILE)");
        }
        return of(algorithm.group(1), statement.group(1), secret.group(1));
    }

    private static TsigKey of(String algorithmText, String nameText, String secretText) {
        String algorithm = algorithmText.trim().toLowerCase(Locale.ROOT);
        if (!ALGORITHMS.containsKey(algorithm)) {
            throw new IllegalArgumentException(shown(algorithmText.trim(), "the algorithm") + " is not a TSIG algorithm this library signs with; "
                    + "use " + ALLOWED);
        }
        String name = nameText.trim();
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (!KEY_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(shown(nameText.trim(), "the key name") + " is not a key name; use the name of the key "
                    + "statement in named.conf, e.g. acme-alias");
        }
        byte[] secret;
        try {
            secret = Base64.getDecoder().decode(secretText.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the secret of key '" + name + "' is not base64; copy it whole from the key "
                    + "file tsig-keygen wrote");
        }
        if (secret.length < 16) {
            throw new IllegalArgumentException("the secret of key '" + name + "' decodes to " + secret.length
                    + " bytes, too short for " + algorithm + " (at least 16); copy it whole from the key file tsig-keygen wrote");
        }
        return new TsigKey(algorithm, name, secret);
    }

    /**
     * {@code text} quoted, unless it could be a base64 secret (only base64 characters): with the
     * parts of {@code algorithm:keyname:base64secret} out of order, the secret is what stands there.
     */
    private static String shown(String text, String what) {
        return text.isEmpty() || text.matches("[A-Za-z0-9+/=]+") ? what + " given" : "'" + text + "'";
    }

    /**
     * The text without named.conf's comments ({@code #} and {@code //} to the end of the line,
     * {@code /* ... *}{@code /}), each made a space; quoted text is kept as it is, since a base64
     * secret may well hold {@code //}.
     */
    private static String withoutComments(String text) {
        StringBuilder kept = new StringBuilder(text.length());
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '#' || text.startsWith("//", i))) {
                int end = text.indexOf('\n', i);
                i = (end < 0 ? text.length() : end) - 1;
                kept.append(' ');
                continue;
            } else if (!quoted && text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                i = (end < 0 ? text.length() : end + 2) - 1;
                kept.append(' ');
                continue;
            }
            kept.append(c);
        }
        return kept.toString();
    }

    /** The BIND name of the algorithm, e.g. {@code hmac-sha256}. */
    public String algorithm() {
        return algorithm;
    }

    /** The key's name, as in named.conf's {@code key} statement and {@code update-policy}. */
    public String name() {
        return name;
    }

    /** dnsjava's signer for this key. */
    TSIG signer() {
        try {
            return new TSIG(ALGORITHMS.get(algorithm), Name.fromString(name + "."), secret.clone());
        } catch (TextParseException e) {
            throw new IllegalStateException("the key name was checked: " + name, e);
        }
    }

    /** Whether two keys are the same key (tests); compares the secrets in constant time. */
    boolean sameAs(TsigKey other) {
        return algorithm.equals(other.algorithm) && name.equals(other.name)
                && java.security.MessageDigest.isEqual(secret, other.secret);
    }

    @Override
    public String toString() {
        return "TSIG key " + name + " (" + algorithm + ")";
    }
}
