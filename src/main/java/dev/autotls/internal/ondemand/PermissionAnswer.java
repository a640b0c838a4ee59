package dev.autotls.internal.ondemand;

/** What a permission check said about a name. */
public enum PermissionAnswer {
    /** Allowed. */
    YES,
    /** Refused: a redirect or another 3xx or 4xx status (but 408 and 429), or {@code false} from the check in code. */
    NO,
    /**
     * No answer in time, the check failed, or the endpoint said it cannot decide now (5xx, 429, 408): a refusal for a
     * handshake, but no reason to drop a name at renewal.
     */
    NO_ANSWER;

    boolean allows() {
        return this == YES;
    }
}
