package dev.autotls.internal.ondemand;

/** What a permission check said about a name. */
public enum PermissionAnswer {
    /** Allowed. */
    YES,
    /** Refused: a status other than 2xx, a redirect, or {@code false} from the check in code. */
    NO,
    /** No answer in time, or the check failed: a refusal for a handshake, but no reason to drop a name at renewal. */
    NO_ANSWER;

    boolean allows() {
        return this == YES;
    }
}
