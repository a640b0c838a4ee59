package dev.autotls.internal.acme;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code _validation-persist} TXT value, read as a CA reads it: an RFC 8659 issue-value,
 * {@code <issuer>; tag=value; ...}. Tags are case-insensitive, unknown tags are ignored,
 * a repeated tag or a missing {@code accounturi} makes the record malformed, and
 * {@code persistUntil} must be a base-10 number of seconds.
 */
public record PersistRecord(String text, String issuer, Map<String, String> parameters, Optional<String> malformed) {

    public static final String PREFIX = "_validation-persist.";
    /** The last whole second an {@link Instant} holds, so that it formats and parses back to itself. */
    static final Instant NEVER = Instant.ofEpochSecond(Instant.MAX.getEpochSecond());

    /** Parses a TXT value (the strings of one record, joined). Never throws: problems go to {@link #malformed}. */
    public static PersistRecord parse(String text) {
        String[] parts = text.split(";", -1);
        String issuer = parts[0].trim().toLowerCase(Locale.ROOT);
        Map<String, String> parameters = new LinkedHashMap<>();
        String problem = null;
        if (issuer.isEmpty() || !issuer.matches("[a-z0-9.-]+")) {
            problem = "it does not start with an issuer domain name";
        }
        for (int i = 1; i < parts.length && problem == null; i++) {
            String part = parts[i].trim();
            if (part.isEmpty()) {
                continue;
            }
            int equals = part.indexOf('=');
            if (equals <= 0) {
                problem = "'" + part + "' is not tag=value";
                break;
            }
            String tag = part.substring(0, equals).trim().toLowerCase(Locale.ROOT);
            String value = part.substring(equals + 1).trim();
            if (parameters.containsKey(tag)) {
                problem = "the parameter " + tag + " appears twice";
            }
            parameters.put(tag, value);
        }
        if (problem == null && !parameters.containsKey("accounturi")) {
            problem = "it has no accounturi parameter";
        }
        if (problem == null && parameters.containsKey("persistuntil") && !parameters.get("persistuntil").matches("\\d{1,19}")) {
            problem = "persistUntil=" + parameters.get("persistuntil") + " is not a number of seconds";
        }
        return new PersistRecord(text, issuer, Map.copyOf(parameters), Optional.ofNullable(problem));
    }

    /** The value to publish. */
    public static String format(String issuer, String accountUri, boolean wildcard, Optional<Instant> persistUntil) {
        StringBuilder value = new StringBuilder(issuer).append("; accounturi=").append(accountUri);
        if (wildcard) {
            value.append("; policy=wildcard");
        }
        persistUntil.ifPresent(until -> value.append("; persistUntil=").append(until.getEpochSecond()));
        return value.toString();
    }

    /** The zone-file line for {@code baseName}'s record. */
    public static String zoneLine(String baseName, String value) {
        return PREFIX + baseName + ". TXT \"" + value + "\"";
    }

    public Optional<String> accountUri() {
        return Optional.ofNullable(parameters.get("accounturi"));
    }

    public boolean wildcardPolicy() {
        return "wildcard".equalsIgnoreCase(parameters.getOrDefault("policy", ""));
    }

    /** When the record stops authorizing; the last second Java counts ({@link #NEVER}) for a number beyond it. */
    public Optional<Instant> persistUntil() {
        String value = parameters.get("persistuntil");
        if (value == null || !value.matches("\\d{1,19}")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.ofEpochSecond(Long.parseLong(value)));
        } catch (NumberFormatException | java.time.DateTimeException e) {
            return Optional.of(NEVER); // beyond a long, or beyond the year 1,000,000,000: as good as never
        }
    }
}
